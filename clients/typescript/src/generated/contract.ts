// Generated from schema/openrpc.json by scripts/generate.mjs (json-schema-to-typescript). Do not edit:
// run `npm run generate` after `cargo run -- schema --out schema`.

/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "CatalogSource".
 */
export type CatalogSource = "embedded" | "cache" | "remote";
/**
 * An LSP progress token.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ProgressToken".
 */
export type ProgressToken = number | string;
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "RefreshOutcome".
 */
export type RefreshOutcome = "updated" | "unchanged" | "skipped";
/**
 * The desktop contract's `ProviderDescriptor.auth.kind`.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "AuthKind".
 */
export type AuthKind = "token" | "oauth" | "none";
/**
 * Where a provider's credential comes from. Never the credential itself.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "CredentialSource".
 */
export type CredentialSource = "env" | "keyring" | "file" | "config" | "oauth" | "session";
/**
 * Where a provider's definition comes from.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ProviderOrigin".
 */
export type ProviderOrigin = "catalog" | "config" | "custom";
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "Capability".
 */
export type Capability =
  | "text"
  | "vision"
  | "tools"
  | "reasoning"
  | "plan"
  | "attachment"
  | "structuredOutput"
  | "temperature"
  | "audio"
  | "pdf"
  | "video";
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ModelStatus".
 */
export type ModelStatus = "active" | "alpha" | "beta" | "deprecated" | "unknown";
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "Modality".
 */
export type Modality = ("text" | "audio" | "image" | "video" | "pdf") | "unknown";
/**
 * `interleaved`: `true`, or the response field that carries reasoning text.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "Interleaved".
 */
export type Interleaved =
  | boolean
  | {
      field: string;
    };
/**
 * How a model's reasoning can be controlled.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ReasoningOption".
 */
export type ReasoningOption =
  | {
      type: "toggle";
    }
  | {
      type: "effort";
      values?: (string | null)[];
    }
  | {
      type: "budget_tokens";
      min?: number | null;
      max?: number | null;
    }
  | {
      type: "unknown";
    };
/**
 * Where a model's definition comes from.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ModelOrigin".
 */
export type ModelOrigin = ("catalog" | "config") | "mode" | "discovered";
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "DefaultModelSource".
 */
export type DefaultModelSource = "config" | "preference" | "priority" | "none";
/**
 * Which part of a document a query matched; serialized as the `matchedFields` strings.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "MatchedField".
 */
export type MatchedField =
  "modelId" | "modelName" | "family" | "providerId" | "providerName" | "providerAlias";
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "AuthMethodType".
 */
export type AuthMethodType = "api" | "token" | "oauth" | "none";
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "AuthPrompt".
 */
export type AuthPrompt =
  | {
      type: "text";
      key: string;
      message: string;
      placeholder?: string | null;
      when?: PromptCondition | null;
    }
  | {
      type: "select";
      key: string;
      message: string;
      options: PromptOption[];
      when?: PromptCondition | null;
    };
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ConditionOp".
 */
export type ConditionOp = "eq" | "neq";
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ConnectionStatus".
 */
export type ConnectionStatus = "connected" | "disconnected" | "error" | "oauth_required";
/**
 * Where `auth/status` finds the credential in use: a store (keyring or file), the environment or
 * the config. (The catalog's `CredentialSource` adds how a provider is connected:
 * by OAuth, or by a session's own credentials.)
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "CredentialLocation".
 */
export type CredentialLocation = ("keyring" | "file" | "env") | "config";
/**
 * The kind of a credential, without its secret.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "CredentialKind".
 */
export type CredentialKind = "api" | "oauth" | "wellknown";
/**
 * A secret value (API key, token). Serializes as its plain value, so it belongs only in
 * stored records and request params, never in result types.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "Secret".
 */
export type Secret = string;
/**
 * How a requested validation ended (a rejected key is an error instead).
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "KeyValidationOutcome".
 */
export type KeyValidationOutcome = "valid" | "not_supported" | "unreachable" | "unexpected_status";
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "OAuthFlowMethod".
 */
export type OAuthFlowMethod = "auto" | "code";
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "CallbackStatus".
 */
export type CallbackStatus = "pending" | "connected";
/**
 * `auth/import`: which auth file to import.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ImportSource".
 */
export type ImportSource = "opencode";
/**
 * Why an entry of the source file was not imported.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ImportSkipReason".
 */
export type ImportSkipReason = "already_stored" | "invalid_entry" | "invalid_provider_id";
/**
 * A credential given for one provider; kept in memory only, wiped when the session closes.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "CredentialInput".
 */
export type CredentialInput =
  | {
      /**
       * Always `"oauth"`.
       */
      type: OAuthTag;
      access: string;
      refresh?: string | null;
      /**
       * Expiry in milliseconds since the epoch.
       */
      expires?: number | null;
    }
  | {
      apiKey: string;
    }
  | {
      accessKeyId: string;
      secretAccessKey: string;
      sessionToken?: string | null;
    };
/**
 * A message of the conversation; `providerOptions` (also accepted as `provider_options`, the
 * spelling of earlier versions) carries per-provider options such as cache marks.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "Message".
 */
export type Message =
  | {
      role: "system";
      content: string;
      providerOptions?: {
        [k: string]: unknown;
      } | null;
    }
  | {
      role: "user";
      content: Content;
      providerOptions?: {
        [k: string]: unknown;
      } | null;
    }
  | {
      role: "assistant";
      content: Content;
      providerOptions?: {
        [k: string]: unknown;
      } | null;
    }
  | {
      role: "tool";
      content: Part[];
      providerOptions?: {
        [k: string]: unknown;
      } | null;
    };
/**
 * A message body: a plain string or a list of parts.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "Content".
 */
export type Content = string | Part[];
/**
 * One message part; also the parts of a final result's `content`, so a result can be sent back as an
 * assistant message and its reasoning signatures round-trip.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "Part".
 */
export type Part =
  | {
      type: "text";
      text: string;
      providerOptions?: {
        [k: string]: unknown;
      } | null;
    }
  | {
      type: "image";
      image: string;
      mediaType?: string | null;
      providerOptions?: {
        [k: string]: unknown;
      } | null;
    }
  | {
      type: "file";
      data: string;
      mediaType: string;
      filename?: string | null;
      providerOptions?: {
        [k: string]: unknown;
      } | null;
    }
  | {
      type: "reasoning";
      text: string;
      providerOptions?: {
        [k: string]: unknown;
      } | null;
    }
  | {
      type: "tool-call";
      toolCallId: string;
      toolName: string;
      input: unknown;
      /**
       * True for tools the provider ran itself (e.g. Anthropic web search).
       */
      providerExecuted?: boolean | null;
      providerOptions?: {
        [k: string]: unknown;
      } | null;
    }
  | {
      type: "tool-result";
      toolCallId: string;
      toolName: string;
      output: unknown;
      providerExecuted?: boolean | null;
      providerOptions?: {
        [k: string]: unknown;
      } | null;
    }
  | {
      type: "source";
      sourceType: string;
      id: string;
      url?: string | null;
      title?: string | null;
      mediaType?: string | null;
      filename?: string | null;
      providerOptions?: {
        [k: string]: unknown;
      } | null;
    };
/**
 * Who runs a tool.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ToolKind".
 */
export type ToolKind = "function" | "provider-defined";
/**
 * `"auto" | "none" | "required" | {toolName}`.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ToolChoice".
 */
export type ToolChoice =
  | ToolChoiceMode
  | {
      toolName: string;
    };
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ToolChoiceMode".
 */
export type ToolChoiceMode = "auto" | "none" | "required";
/**
 * The form of the answer: free text (the default), or JSON, constrained by `schema` where the
 * model can be (`name` and `description` go with the schema where the API takes them). How each
 * API is asked, and what a model without structured output gets instead, is in
 * `docs/call-options.md`.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ResponseFormat".
 */
export type ResponseFormat =
  | {
      type: "text";
    }
  | {
      type: "json";
      /**
       * A JSON Schema object the answer must match.
       */
      schema?: {
        [k: string]: unknown;
      };
      name?: string | null;
      description?: string | null;
    };
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "FinishReason".
 */
export type FinishReason =
  "stop" | "length" | "content-filter" | "tool-calls" | "error" | "other" | "unknown";
/**
 * Something that did not stop a call but left part of it undone.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "CallWarning".
 */
export type CallWarning = {
  type: "hook-failed";
  /**
   * The plugin (`host` for the host's hooks).
   */
  plugin: string;
  /**
   * `chat.params` or `chat.headers`.
   */
  hook: string;
  /**
   * `timeout`, `closed`, `rejected`, `invalid_answer` or `failed`.
   */
  reason: string;
  message: string;
};
/**
 * How a JSON answer (`responseFormat: {type: "json"}`) is asked for.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "JsonAnswerMode".
 */
export type JsonAnswerMode = "schema" | "json-object" | "tool";
/**
 * The hook points.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "HookPoint".
 */
export type HookPoint = "chat.params" | "chat.headers" | "auth" | "config";
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "CheckStatus".
 */
export type CheckStatus = "ok" | "warning" | "failed" | "skipped";
/**
 * Where a credential is kept.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "StoreKind".
 */
export type StoreKind = "keyring" | "file";
/**
 * One step: `begin` first, then `report`s, then `end`.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "WorkDoneProgress".
 */
export type WorkDoneProgress =
  | {
      kind: "begin";
      title: string;
      cancellable?: boolean | null;
      message?: string | null;
      percentage?: number | null;
      providerId?: string;
      authorizationId?: string;
      attempt?: number;
    }
  | {
      kind: "report";
      message?: string | null;
      percentage?: number | null;
      providerId?: string;
      authorizationId?: string;
      attempt?: number;
    }
  | {
      kind: "end";
      message?: string | null;
    };
/**
 * One normalized stream part (a `chat/delta` notification's `part`).
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "StreamPart".
 */
export type StreamPart =
  | {
      type: "text-start";
      id: string;
      providerMetadata?: {
        [k: string]: unknown;
      } | null;
    }
  | {
      type: "text-delta";
      id: string;
      delta: string;
    }
  | {
      type: "text-end";
      id: string;
      providerMetadata?: {
        [k: string]: unknown;
      } | null;
    }
  | {
      type: "reasoning-start";
      id: string;
      providerMetadata?: {
        [k: string]: unknown;
      } | null;
    }
  | {
      type: "reasoning-delta";
      id: string;
      delta: string;
    }
  | {
      type: "reasoning-end";
      id: string;
      providerMetadata?: {
        [k: string]: unknown;
      } | null;
    }
  | {
      type: "tool-input-start";
      id: string;
      toolName: string;
      providerExecuted?: boolean | null;
    }
  | {
      type: "tool-input-delta";
      id: string;
      delta: string;
    }
  | {
      type: "tool-input-end";
      id: string;
    }
  | {
      type: "tool-call";
      toolCallId: string;
      toolName: string;
      input: unknown;
      providerExecuted?: boolean | null;
      providerMetadata?: {
        [k: string]: unknown;
      } | null;
    }
  | {
      type: "tool-result";
      toolCallId: string;
      toolName: string;
      output: unknown;
      providerExecuted: boolean;
    }
  | {
      type: "source";
      sourceType: string;
      id: string;
      url?: string | null;
      title?: string | null;
      mediaType?: string | null;
      filename?: string | null;
      providerMetadata?: {
        [k: string]: unknown;
      } | null;
    }
  | {
      type: "usage";
      usage: Usage;
    }
  | {
      type: "finish";
      finishReason: FinishReason;
      usage: Usage;
      providerMetadata?: {
        [k: string]: unknown;
      } | null;
    }
  | {
      type: "error";
      error: StreamError;
    }
  | {
      type: "raw";
      rawValue: unknown;
    };
/**
 * One event. The stream's own parts are `chat/delta` notifications already; events mark a
 * call's start and end.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "HookEvent".
 */
export type HookEvent =
  | {
      type: "chat.started";
      sessionId: string;
      providerId: string;
      modelId: string;
    }
  | {
      type: "chat.finished";
      sessionId: string;
      providerId: string;
      modelId: string;
      finishReason: FinishReason;
      usage: Usage;
      cost?: number | null;
    }
  | {
      type: "chat.failed";
      sessionId: string;
      providerId: string;
      modelId: string;
      kind: string;
      message: string;
    };
/**
 * Request-time header rules that depend on the body (added by `authorize_request`).
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "DynamicHeaders".
 */
export type DynamicHeaders = "copilot";
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "OAuthTag".
 */
export type OAuthTag = "oauth";
/**
 * Which wire protocol a model is called with, as its provider profile decides it (the catalog's
 * `protocol` of a model and the runtime's alike). `zai` is OpenAI chat with Z.AI's own loader.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "RuntimeProtocol".
 */
export type RuntimeProtocol =
  "anthropic" | "openai-responses" | "openai-chat" | "gemini" | "bedrock" | "cohere" | "zai";
/**
 * Which backend to use; `auto` takes the keyring when it answers, else the file.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "StoreMode".
 */
export type StoreMode = "auto" | "keyring" | "file";
/**
 * The provider wire formats the sidecar speaks.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "WireFormat".
 */
export type WireFormat =
  "openai-chat" | "openai-responses" | "anthropic" | "gemini" | "bedrock" | "cohere";

/**
 * Every method's params and result, and every notification's params.
 */
export interface SidecarContract {
  methods: {
    /**
     * Optional handshake: client info, config, data dir and log level in; server info and capabilities out.
     */
    initialize: {
      params: InitializeParams;
      result: InitializeResult;
    };
    /**
     * Prepares to exit: later requests fail with server_shutting_down; `exit` then ends the process with 0.
     */
    shutdown: {
      params: null;
      result: null;
    };
    /**
     * The OpenRPC document describing every method, its params, result and errors.
     */
    "rpc.discover": {
      params: null;
      result: DiscoverResult;
    };
    /**
     * The served catalog: source (embedded, cache, remote), fetch time, provider and model counts, refresh settings and the last refresh error.
     */
    "catalog/status": {
      params: null;
      result: CatalogStatus;
    };
    /**
     * Fetches the catalog now (conditionally); reports `$/progress` and sends `catalog/changed` when the served catalog changed. A failure leaves the served catalog intact.
     */
    "catalog/refresh": {
      params: CatalogRefreshParams;
      result: RefreshResult;
    };
    /**
     * Every provider (catalog and config) with its connection state and credential source; never a secret.
     */
    "provider/list": {
      params: null;
      result: ProviderListResult;
    };
    /**
     * Providers for a picker: connected first, then popular, then by name; with aliases and auth methods.
     */
    "provider/catalog": {
      params: null;
      result: ProviderCatalogResult;
    };
    /**
     * One provider's descriptor.
     */
    "provider/get": {
      params: ProviderGetParams;
      result: ProviderDescriptor;
    };
    /**
     * Model descriptors (capabilities, limits, costs, modalities, status, runtime protocol, call options), filtered by provider, capabilities, status and connection.
     */
    "model/list": {
      params: ModelListParams;
      result: ModelListResult;
    };
    /**
     * One model's descriptor; `model_not_found` carries close model ids as suggestions.
     */
    "model/get": {
      params: ModelGetParams;
      result: ModelDescriptor;
    };
    /**
     * The default model (config `model`, else the stored preference, else OpenCode's priority among connected providers) and the small model.
     */
    "model/default": {
      params: null;
      result: DefaultModelResult;
    };
    /**
     * The selected provider and model and the hybrid vision choice (defaults when none stored).
     */
    "preferences/get": {
      params: null;
      result: Preferences;
    };
    /**
     * Partial update (an absent field is kept, `null` clears it), persisted atomically; returns the stored preferences.
     */
    "preferences/update": {
      params: PreferencesUpdateParams;
      result: Preferences;
    };
    /**
     * Typo-tolerant ranked model search over the merged catalog, with filters; an empty query lists connected and popular models first.
     */
    "model/search": {
      params: ModelSearchParams;
      result: ModelSearchResult;
    };
    /**
     * Ranked provider search by id, name and aliases (connected, then popular), for a provider picker.
     */
    "provider/search": {
      params: ProviderSearchParams;
      result: ProviderSearchResult;
    };
    /**
     * Sign-in methods of every provider; `method` in the OAuth calls is an index into a provider's list.
     */
    "auth/methods": {
      params: null;
      result: AuthMethodsResult;
    };
    /**
     * Credential state of every provider, models.dev's and the config's (stored, from the environment, from the config, or none) and the store in use; never a secret.
     */
    "auth/status": {
      params: null;
      result: AuthStatusResult;
    };
    /**
     * Stores an API key for a provider (optionally as a named account, optionally validated first against its models endpoint).
     */
    "auth/set": {
      params: AuthSetParams;
      result: SetKeyResult;
    };
    /**
     * Removes a provider's stored credential: one account, or all of them when `account` is omitted.
     */
    "auth/remove": {
      params: AuthRemoveParams;
      result: OkResult;
    };
    /**
     * Makes another stored account the provider's active one.
     */
    "auth/accounts/select": {
      params: AuthAccountsSelectParams;
      result: OkResult;
    };
    /**
     * Starts a provider's OAuth sign-in (method = index into its auth/methods list): URL and instructions out; `$/progress` while a device flow waits.
     */
    "auth/oauth/authorize": {
      params: AuthOauthAuthorizeParams;
      result: OAuthAuthorizeResult;
    };
    /**
     * Follows a sign-in: `pending` until an "auto" flow finishes, or finishes a "code" flow with the pasted code.
     */
    "auth/oauth/callback": {
      params: AuthOauthCallbackParams;
      result: OAuthCallbackResult;
    };
    /**
     * Imports the credentials of OpenCode's auth.json (read only; never done unless asked): imported providers and skipped ones with reasons, never a secret.
     */
    "auth/import": {
      params: AuthImportParams;
      result: ImportReport;
    };
    /**
     * Opens (or replaces) a session: config overlay, env overlay, in-memory credentials, default headers and options.
     */
    "session/open": {
      params: SessionOpenParams;
      result: SessionInfo;
    };
    /**
     * Changes an open session: `config` and `options` are replaced, `env`, `credentials` and `headers` extended key by key; running chats keep their snapshot.
     */
    "session/update": {
      params: SessionUpdateParams;
      result: SessionInfo;
    };
    /**
     * Closes a session: cancels its in-flight chats (-32800) and wipes its credentials.
     */
    "session/close": {
      params: SessionCloseParams;
      result: SessionCloseResult;
    };
    /**
     * The open sessions: ids and the names of what they hold, never secret values.
     */
    "session/list": {
      params: null;
      result: SessionListResult;
    };
    /**
     * Streams a chat turn: `chat/delta` notifications tagged with the request id, then the final result. Cancel answers -32800 with data.partial.
     */
    "chat/stream": {
      params: ChatStreamParams;
      result: ChatResult;
    };
    /**
     * Runs a chat turn and answers with the final result only. Cancel answers -32800 with data.partial.
     */
    "chat/generate": {
      params: ChatGenerateParams;
      result: ChatResult;
    };
    /**
     * The exact request (method, URL, headers with secrets redacted, body) `chat/*` would send for these params, without sending it.
     */
    "transform/preview": {
      params: TransformPreviewParams;
      result: TransformPreview;
    };
    /**
     * Imports OpenCode's opencode.json(c) (global, and a project's given `directory`; read only, never done unless asked) under the sidecar's own config: the files read, the providers and settings taken, what was skipped and why; never a value.
     */
    "config/import": {
      params: ConfigImportParams;
      result: ConfigImportReport;
    };
    /**
     * A health report in plain words and as data: data dir, credential store and why, catalog source and age, proxy and CA settings in force, and (when asked) whether each connected provider answers; never a secret.
     */
    "doctor/report": {
      params: DoctorReportParams;
      result: DoctorReport;
    };
  };
  notifications: {
    "$/progress": ProgressParams;
    "catalog/changed": CatalogDiff;
    "chat/delta": ChatDelta;
    "hook/event": HookEventParams;
  };
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "InitializeParams".
 */
export interface InitializeParams {
  /**
   * The host's process id. The sidecar checks every quarter second that this process still
   * runs and exits when it does not (as if `exit` had come), even while its stdin stays open.
   * Null when the sidecar cannot see the host's processes (e.g. another pid namespace).
   */
  processId?: number | null;
  clientInfo?: ClientInfo | null;
  /**
   * The host's capabilities: `hooks` declares the plugin hooks it implements (see
   * `HostHooks` and docs/hooks.md); other keys are kept for later negotiation.
   */
  capabilities?: ClientCapabilities | null;
  initializationOptions?: InitializationOptions | null;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ClientInfo".
 */
export interface ClientInfo {
  name: string;
  version?: string | null;
}
/**
 * The documented part of `initialize`'s `capabilities` (other keys are accepted and kept).
 * The schema only: `capabilities` is read as JSON, so that a host's own keys never fail
 * `initialize` (`host_hooks::parse_declaration` reads `hooks`).
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ClientCapabilities".
 */
export interface ClientCapabilities {
  /**
   * The plugin hooks the host implements: the sidecar calls them as server→client requests
   * (`hook/chat.params`, `hook/chat.headers`) and sends `hook/event` notifications.
   */
  hooks?: HostHooks | null;
}
/**
 * `capabilities.hooks` of `initialize`. Hook names the sidecar does not know are ignored
 * (`initialize`'s result lists the ones it will call).
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "HostHooks".
 */
export interface HostHooks {
  /**
   * The host answers `hook/config` (when `initialize` loads the config).
   */
  config?: boolean;
  /**
   * The host answers `hook/chat.params`.
   */
  chatParams?: boolean;
  /**
   * The host answers `hook/chat.headers`.
   */
  chatHeaders?: boolean;
  /**
   * The host wants `hook/event` notifications.
   */
  event?: boolean;
  /**
   * How long the sidecar waits for each hook's answer, in ms (default 5000, at most 120000).
   * Past it the sidecar sends `$/cancelRequest` and applies the failure policy.
   */
  timeoutMs?: number | null;
  /**
   * A hook that fails, times out or answers garbage fails the call with `hook_failed`
   * (nothing is sent upstream). By default the call goes on without the hook's change, with a
   * warning in its result.
   */
  failClosed?: boolean;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "InitializationOptions".
 */
export interface InitializationOptions {
  /**
   * User config in OpenCode's format (`{"provider": {...}, "model": ..., ...}`).
   */
  config?: {
    [k: string]: unknown;
  };
  /**
   * Where the sidecar keeps its cache, preferences and credential fallback file.
   */
  dataDir?: string | null;
  /**
   * A tracing filter such as `info` or `provider_sidecar=debug`.
   */
  logLevel?: string | null;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "InitializeResult".
 */
export interface InitializeResult {
  serverInfo: ServerInfo;
  capabilities: ServerCapabilities;
  /**
   * The served catalog, when it has finished loading (`initialize` never waits for it).
   */
  catalog?: CatalogStatus | null;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ServerInfo".
 */
export interface ServerInfo {
  name: string;
  version: string;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ServerCapabilities".
 */
export interface ServerCapabilities {
  /**
   * Every method this sidecar answers.
   */
  methods: string[];
  /**
   * Notifications the sidecar may send.
   */
  notifications: string[];
  /**
   * Framings accepted on stdin: `lsp` (Content-Length headers) and `line` (newline-delimited).
   */
  framings: string[];
  /**
   * Messages larger than this are rejected.
   */
  maxMessageBytes: number;
  /**
   * `$/cancelRequest` is honoured for every request.
   */
  cancellation: boolean;
  /**
   * The data dir in use.
   */
  dataDir: string;
  /**
   * The host hooks the sidecar will call, from `capabilities.hooks` (`hook/chat.params`,
   * `hook/chat.headers`, `hook/event`).
   */
  hooks: string[];
}
/**
 * `catalog/status` result.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "CatalogStatus".
 */
export interface CatalogStatus {
  source: CatalogSource;
  /**
   * RFC 3339; absent for the embedded snapshot.
   */
  fetchedAt?: string | null;
  providerCount: number;
  modelCount: number;
  etag?: string | null;
  url: string;
  fetchEnabled: boolean;
  ttlMinutes: number;
  /**
   * Whether a background refresh is due now.
   */
  stale: boolean;
  /**
   * The last refresh failure, if the last attempt failed.
   */
  lastError?: string | null;
}
/**
 * An OpenRPC 1.x document (see <https://spec.open-rpc.org>).
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "DiscoverResult".
 */
export interface DiscoverResult {
  [k: string]: unknown;
}
/**
 * Params of `catalog/refresh`.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "CatalogRefreshParams".
 */
export interface CatalogRefreshParams {
  /**
   * Fetch even when the served catalog is younger than the TTL (default true).
   */
  force?: boolean | null;
  /**
   * Token for the `$/progress` notifications; one is generated when absent.
   */
  workDoneToken?: ProgressToken | null;
}
/**
 * `catalog/refresh` result.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "RefreshResult".
 */
export interface RefreshResult {
  outcome: RefreshOutcome;
  /**
   * Present when the served catalog changed; the RPC layer sends it as `catalog/changed`.
   */
  diff?: CatalogDiff | null;
  status: CatalogStatus;
}
/**
 * `catalog/changed` notification params: what a refresh changed.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "CatalogDiff".
 */
export interface CatalogDiff {
  providersAdded: number;
  providersRemoved: number;
  modelsAdded: number;
  modelsRemoved: number;
  /**
   * Models present before and after whose data changed.
   */
  modelsChanged: number;
  providerCount: number;
  modelCount: number;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ProviderListResult".
 */
export interface ProviderListResult {
  providers: ProviderDescriptor[];
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ProviderDescriptor".
 */
export interface ProviderDescriptor {
  id: string;
  name: string;
  /**
   * Environment variables that can carry the provider's key.
   */
  env: string[];
  /**
   * Whether a base URL is known (from models.dev, config `api` or `options.baseURL`).
   */
  api: boolean;
  /**
   * Whether the provider has at least one model.
   */
  models: boolean;
  auth: ProviderAuth;
  connected: boolean;
  credentialSource?: CredentialSource | null;
  npm: string;
  apiUrl?: string | null;
  doc?: string | null;
  origin: ProviderOrigin;
  modelCount: number;
  /**
   * `false` when the provider needs a client this sidecar does not have.
   */
  supported: boolean;
  note?: string | null;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ProviderAuth".
 */
export interface ProviderAuth {
  kind: AuthKind;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ProviderCatalogResult".
 */
export interface ProviderCatalogResult {
  providers: ProviderCatalogItem[];
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ProviderCatalogItem".
 */
export interface ProviderCatalogItem {
  id: string;
  name: string;
  aliases: string[];
  /**
   * `AuthMethodDescriptor[]` from the auth layer.
   */
  authMethods: unknown[];
  connected: boolean;
  modelCount: number;
  popular: boolean;
  supported?: boolean | null;
  note?: string | null;
  env: string[];
  credentialSource?: CredentialSource | null;
  npm: string;
  apiUrl?: string | null;
  doc?: string | null;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ProviderGetParams".
 */
export interface ProviderGetParams {
  providerId: string;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ModelListParams".
 */
export interface ModelListParams {
  /**
   * Only this provider's models.
   */
  providerId?: string | null;
  /**
   * Models must have every one of these.
   */
  capabilities?: Capability[];
  /**
   * Allowed statuses; default `active` and `beta` (alpha and deprecated hidden, as OpenCode does).
   */
  status?: ModelStatus[] | null;
  /**
   * `true`: only connected providers' models; `false`: only unconnected ones.
   */
  connected?: boolean | null;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ModelListResult".
 */
export interface ModelListResult {
  models: ModelDescriptor[];
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ModelDescriptor".
 */
export interface ModelDescriptor {
  /**
   * `"<providerId>/<modelId>"`.
   */
  id: string;
  name: string;
  providerId: string;
  providerName: string;
  providerApiUrl?: string | null;
  providerNpmPackage?: string | null;
  providerEnvVars?: string[] | null;
  /**
   * Tokens; 0 means unknown.
   */
  contextWindow: number;
  /**
   * Tokens; 0 means unknown.
   */
  maxOutputTokens: number;
  modalities?: ModelModalities | null;
  capabilities: ModelCapabilities;
  /**
   * The model's own id under its provider (the part after the first `/` of `id`).
   */
  modelId: string;
  /**
   * The id sent upstream.
   */
  apiId: string;
  /**
   * The wire protocol the model is called with.
   */
  protocol: RuntimeProtocol;
  connected: boolean;
  status: ModelStatus;
  family?: string | null;
  releaseDate?: string | null;
  lastUpdated?: string | null;
  knowledge?: string | null;
  openWeights?: boolean | null;
  /**
   * USD per million tokens; absent when unpublished.
   */
  cost?: Cost | null;
  limit: Limit;
  attachment: boolean;
  temperature: boolean;
  structuredOutput: boolean;
  callOptions: CallOptionSupport;
  interleaved?: Interleaved | null;
  reasoningOptions?: ReasoningOption[] | null;
  /**
   * Names of the option presets (reasoning efforts and config variants).
   */
  variants: string[];
  origin: ModelOrigin;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ModelModalities".
 */
export interface ModelModalities {
  input: Modality[];
  output: Modality[];
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ModelCapabilities".
 */
export interface ModelCapabilities {
  /**
   * Reads and writes text.
   */
  text: boolean;
  /**
   * Accepts images.
   */
  vision: boolean;
  /**
   * Calls tools.
   */
  tools: boolean;
  /**
   * Reasons (thinking tokens).
   */
  reasoning: boolean;
  /**
   * Can drive an agent's plan (text out and tool calls).
   */
  plan: boolean;
}
/**
 * Prices in USD per million tokens.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "Cost".
 */
export interface Cost {
  input?: number;
  output?: number;
  cache_read?: number | null;
  cache_write?: number | null;
  reasoning?: number | null;
  input_audio?: number | null;
  output_audio?: number | null;
  /**
   * Legacy form of the first context tier (prices above 200k input tokens).
   */
  context_over_200k?: Cost | null;
  tiers?: CostTier[];
}
/**
 * Prices that apply past a threshold (today always a context size).
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "CostTier".
 */
export interface CostTier {
  input?: number;
  output?: number;
  cache_read?: number | null;
  cache_write?: number | null;
  input_audio?: number | null;
  output_audio?: number | null;
  tier?: TierThreshold;
}
/**
 * Token limits; 0 means unknown.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "Limit".
 */
export interface Limit {
  context?: number;
  input?: number | null;
  output?: number;
}
/**
 * The AI SDK call options the model's API takes (`docs/call-options.md`), so a host can grey out
 * what a call would be refused for.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "CallOptionSupport".
 */
export interface CallOptionSupport {
  /**
   * How `responseFormat: {type: "json", schema}` is honoured: `schema` (the API enforces it),
   * `json-object` (the API's JSON mode, the schema not enforced) or `tool` (a forced `json`
   * tool whose input is the answer).
   */
  jsonAnswer: JsonAnswerMode;
  seed: boolean;
  presencePenalty: boolean;
  frequencyPenalty: boolean;
  /**
   * Ids of the provider-defined tools the model's API offers (none when the model calls no
   * tools).
   */
  providerTools: string[];
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ModelGetParams".
 */
export interface ModelGetParams {
  providerId: string;
  modelId: string;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "DefaultModelResult".
 */
export interface DefaultModelResult {
  model?: ModelRef | null;
  source: DefaultModelSource;
  /**
   * Model for small tasks (titles, summaries).
   */
  smallModel?: ModelRef | null;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ModelRef".
 */
export interface ModelRef {
  providerId: string;
  modelId: string;
  /**
   * `"<providerId>/<modelId>"`.
   */
  id: string;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "Preferences".
 */
export interface Preferences {
  selectedProviderId?: string | null;
  selectedModelId?: string | null;
  hybridEnabled?: boolean;
  hybridVisionProviderId?: string | null;
  hybridVisionModelId?: string | null;
  /**
   * RFC 3339; when nothing was ever stored, the time of the read.
   */
  updatedAt?: string;
}
/**
 * Params of `preferences/update`.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "PreferencesUpdateParams".
 */
export interface PreferencesUpdateParams {
  selectedProviderId?: string | null;
  selectedModelId?: string | null;
  hybridEnabled?: boolean | null;
  hybridVisionProviderId?: string | null;
  hybridVisionModelId?: string | null;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ModelSearchParams".
 */
export interface ModelSearchParams {
  /**
   * What the user typed: typos, versions without separators ("gpt5", "sonnet45"), a
   * provider name or alias ("openrouter qwen coder", "kimi"), a half-typed last word.
   */
  query?: string;
  /**
   * At most this many results (default 20, at most 500).
   */
  limit?: number | null;
  filters?: SearchFilters | null;
}
/**
 * Restrictions applied before ranking.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "SearchFilters".
 */
export interface SearchFilters {
  providerId?: string | null;
  toolCall?: boolean | null;
  reasoning?: boolean | null;
  vision?: boolean | null;
  minContext?: number | null;
  connectedOnly?: boolean;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ModelSearchResult".
 */
export interface ModelSearchResult {
  results: ModelSearchHit[];
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ModelSearchHit".
 */
export interface ModelSearchHit {
  model: ModelDescriptor;
  score: number;
  /**
   * True when the query names the model exactly (id or name, maybe provider-qualified).
   */
  exact: boolean;
  matchedFields: MatchedField[];
}
/**
 * Params of `provider/search`.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ProviderSearchParams".
 */
export interface ProviderSearchParams {
  query?: string;
  limit?: number | null;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ProviderSearchResult".
 */
export interface ProviderSearchResult {
  results: ProviderSearchHit[];
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ProviderSearchHit".
 */
export interface ProviderSearchHit {
  providerId: string;
  name: string;
  aliases: string[];
  connected: boolean;
  modelCount: number;
  score: number;
  matchedFields: MatchedField[];
}
/**
 * `auth/methods`.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "AuthMethodsResult".
 */
export interface AuthMethodsResult {
  methods: {
    [k: string]: AuthMethodDescriptor[];
  };
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "AuthMethodDescriptor".
 */
export interface AuthMethodDescriptor {
  type: AuthMethodType;
  label: string;
  prompts?: AuthPrompt[];
}
/**
 * Show the prompt only when another prompt's answer equals (`eq`) or differs from (`neq`) `value`.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "PromptCondition".
 */
export interface PromptCondition {
  key: string;
  op: ConditionOp;
  value: string;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "PromptOption".
 */
export interface PromptOption {
  label: string;
  value: string;
  hint?: string | null;
}
/**
 * `auth/status`.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "AuthStatusResult".
 */
export interface AuthStatusResult {
  auth: {
    [k: string]: ProviderAuthState;
  };
  /**
   * The store in use.
   */
  store: StoreKind;
  /**
   * Why `auto` mode fell back to the file, when it did.
   */
  storeFallbackReason?: string | null;
}
/**
 * One provider's credential state (the desktop's `ProviderAuthState`, plus detail).
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ProviderAuthState".
 */
export interface ProviderAuthState {
  providerId: string;
  status: ConnectionStatus;
  method: AuthMethodType;
  accountLabel?: string | null;
  /**
   * RFC 3339; the stored record's time, or now when nothing is stored.
   */
  updatedAt: string;
  source?: CredentialLocation | null;
  /**
   * The environment variable providing the credential, when `source` is `env`.
   */
  envVar?: string | null;
  activeAccount?: string | null;
  accounts: AccountSummary[];
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "AccountSummary".
 */
export interface AccountSummary {
  name: string;
  kind: CredentialKind;
  label?: string | null;
  active: boolean;
  needsReauth: boolean;
  updatedAt: string;
}
/**
 * Params of `auth/set`.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "AuthSetParams".
 */
export interface AuthSetParams {
  providerId: string;
  token: Secret;
  /**
   * Account name; `default` when omitted.
   */
  account?: string | null;
  label?: string | null;
  /**
   * Make this the provider's active account (default true).
   */
  activate?: boolean | null;
  /**
   * Extra non-secret values kept with the key (OpenCode's `metadata`, e.g. Azure `resourceName`).
   */
  metadata?: {
    [k: string]: string;
  };
  /**
   * Check the key against the provider's models endpoint first: a key it rejects (401/403)
   * fails with `auth_failed` and is not stored; one it cannot check is stored with a warning.
   */
  validate?: boolean | null;
}
/**
 * `auth/set`: `{ok: true}`, plus how the validation went when it was asked for.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "SetKeyResult".
 */
export interface SetKeyResult {
  ok: boolean;
  validation?: KeyValidationReport | null;
  /**
   * Set when the key was stored without being confirmed (the validation's warning).
   */
  warning?: string | null;
}
/**
 * The validation part of `auth/set`'s result. Never holds the key.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "KeyValidationReport".
 */
export interface KeyValidationReport {
  outcome: KeyValidationOutcome;
  /**
   * The endpoint checked (without its query string).
   */
  endpoint?: string | null;
  /**
   * The HTTP status, when the endpoint answered.
   */
  httpStatus?: number | null;
  /**
   * Why the key is stored without being confirmed.
   */
  warning?: string | null;
}
/**
 * Params of `auth/remove`.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "AuthRemoveParams".
 */
export interface AuthRemoveParams {
  providerId: string;
  account?: string | null;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "OkResult".
 */
export interface OkResult {
  ok: boolean;
}
/**
 * Params of `auth/accounts/select`.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "AuthAccountsSelectParams".
 */
export interface AuthAccountsSelectParams {
  providerId: string;
  account: string;
}
/**
 * Params of `auth/oauth/authorize`.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "AuthOauthAuthorizeParams".
 */
export interface AuthOauthAuthorizeParams {
  providerId: string;
  /**
   * Index into the provider's `auth/methods` list.
   */
  method: number;
  /**
   * Answers to the method's prompts, by prompt key.
   */
  inputs?: {
    [k: string]: string;
  } | null;
  /**
   * Account name to store the result under; `default` when omitted.
   */
  account?: string | null;
  /**
   * Token of the `$/progress` notifications sent while a device flow waits; the
   * authorization id when omitted.
   */
  workDoneToken?: {
    [k: string]: unknown;
  };
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "OAuthAuthorizeResult".
 */
export interface OAuthAuthorizeResult {
  providerId: string;
  authorizationId: string;
  url: string;
  method: OAuthFlowMethod;
  instructions: string;
}
/**
 * Params of `auth/oauth/callback`.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "AuthOauthCallbackParams".
 */
export interface AuthOauthCallbackParams {
  providerId: string;
  method: number;
  authorizationId: string;
  code?: Secret | null;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "OAuthCallbackResult".
 */
export interface OAuthCallbackResult {
  status: CallbackStatus;
}
/**
 * Params of `auth/import`.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "AuthImportParams".
 */
export interface AuthImportParams {
  /**
   * `opencode` (the default).
   */
  source?: ImportSource | null;
  /**
   * Absolute path of the file; OpenCode's own location under the XDG data home
   * (`$XDG_DATA_HOME/opencode/auth.json`, else `~/.local/share/opencode/auth.json`) when omitted.
   */
  path?: string | null;
  /**
   * Replace credentials already stored for a provider (default false: keep them).
   */
  overwrite?: boolean | null;
}
/**
 * Result of an import: provider ids and reasons, never a credential.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ImportReport".
 */
export interface ImportReport {
  /**
   * The file read (it is never written).
   */
  path: string;
  /**
   * Providers whose credential was stored (as their `default` account).
   */
  imported: string[];
  skipped: SkippedImport[];
  /**
   * The store the credentials went to.
   */
  store: StoreKind;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "SkippedImport".
 */
export interface SkippedImport {
  providerId: string;
  reason: ImportSkipReason;
}
/**
 * `session/open` params (also `session/update`'s: there, fields present replace or extend the session's).
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "SessionOpenParams".
 */
export interface SessionOpenParams {
  sessionId: string;
  /**
   * Config overlay in OpenCode's format (`{"provider": {...}}`), merged over the global config.
   */
  config?: {
    [k: string]: unknown;
  };
  /**
   * Environment variables on top of the sidecar's start-time snapshot, for this session only.
   */
  env?: {
    [k: string]: string;
  } | null;
  /**
   * Per provider id: `{apiKey}` or `{type: "oauth", access, refresh?, expires?}`.
   */
  credentials?: {
    [k: string]: CredentialInput;
  } | null;
  /**
   * Headers sent on every request of this session.
   */
  headers?: {
    [k: string]: string;
  } | null;
  options?: SessionOptions | null;
  /**
   * Per provider id: the stored account this session uses instead of the provider's active one.
   */
  accounts?: {
    [k: string]: string;
  } | null;
}
/**
 * Defaults for every chat call of a session.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "SessionOptions".
 */
export interface SessionOptions {
  /**
   * Merged under each call's `providerOptions`.
   */
  providerOptions?: {
    [k: string]: unknown;
  } | null;
  timeouts?: Timeouts | null;
  retry?: RetryPolicy | null;
}
/**
 * Timeouts in milliseconds; the defaults are generous for slow local models, and 0 disables one.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "Timeouts".
 */
export interface Timeouts {
  /**
   * TCP + TLS connect (applied by [`build_client`]).
   */
  connectMs?: number;
  /**
   * From sending the request to the first byte of the response body.
   */
  firstByteMs?: number;
  /**
   * Longest silence between two body chunks.
   */
  idleMs?: number;
}
/**
 * Bounded retries before the first streamed byte.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "RetryPolicy".
 */
export interface RetryPolicy {
  /**
   * Retries after the first attempt (0 disables retrying).
   */
  maxRetries?: number;
  baseDelayMs?: number;
  /**
   * Cap of the exponential delay.
   */
  maxDelayMs?: number;
  /**
   * A provider asking to wait longer than this is not retried: the failure goes back to the caller with
   * its retry-after.
   */
  maxRetryAfterMs?: number;
}
/**
 * What `session/list` shows of a session: names only, never values.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "SessionInfo".
 */
export interface SessionInfo {
  sessionId: string;
  /**
   * Providers the session holds a credential for.
   */
  credentialProviders: string[];
  /**
   * Names of the session's env overlay variables.
   */
  envNames: string[];
  headerNames: string[];
  /**
   * Provider ids of the session's config overlay.
   */
  configProviders: string[];
  /**
   * Provider id → the stored account the session uses instead of the active one.
   */
  accounts?: {
    [k: string]: string;
  };
}
/**
 * Params of `session/update`.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "SessionUpdateParams".
 */
export interface SessionUpdateParams {
  sessionId: string;
  /**
   * Config overlay in OpenCode's format (`{"provider": {...}}`), merged over the global config.
   */
  config?: {
    [k: string]: unknown;
  };
  /**
   * Environment variables on top of the sidecar's start-time snapshot, for this session only.
   */
  env?: {
    [k: string]: string;
  } | null;
  /**
   * Per provider id: `{apiKey}` or `{type: "oauth", access, refresh?, expires?}`.
   */
  credentials?: {
    [k: string]: CredentialInput;
  } | null;
  /**
   * Headers sent on every request of this session.
   */
  headers?: {
    [k: string]: string;
  } | null;
  options?: SessionOptions | null;
  /**
   * Per provider id: the stored account this session uses instead of the provider's active one.
   */
  accounts?: {
    [k: string]: string;
  } | null;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "SessionCloseParams".
 */
export interface SessionCloseParams {
  sessionId: string;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "SessionCloseResult".
 */
export interface SessionCloseResult {
  closed: boolean;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "SessionListResult".
 */
export interface SessionListResult {
  sessions: SessionInfo[];
}
/**
 * Params of `chat/stream`.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ChatStreamParams".
 */
export interface ChatStreamParams {
  sessionId: string;
  providerId: string;
  modelId: string;
  /**
   * A reasoning preset of the model (`model/get` lists them, e.g. `low`, `high`, `max`); an unknown
   * name is invalid params with `data.available`.
   */
  variant?: string | null;
  messages: Message[];
  tools?: Tool[];
  toolChoice?: ToolChoice | null;
  temperature?: number | null;
  topP?: number | null;
  topK?: number | null;
  maxOutputTokens?: number | null;
  stopSequences?: string[];
  /**
   * `{type: "text"}` (the default) or `{type: "json", schema?, name?, description?}`.
   */
  responseFormat?: ResponseFormat | null;
  /**
   * Sampling seed, for repeatable answers where the API takes one (OpenAI chat completions,
   * Gemini, Cohere; Mistral's `random_seed`).
   */
  seed?: number | null;
  /**
   * Penalizes tokens already present (OpenAI chat completions, Gemini, Cohere).
   */
  presencePenalty?: number | null;
  /**
   * Penalizes tokens by how often they appeared (OpenAI chat completions, Gemini, Cohere).
   */
  frequencyPenalty?: number | null;
  /**
   * Provider options by key: the wire format's namespace (`openai`, `anthropic`, `google`,
   * `bedrock`, `cohere`), the AI SDK package's key (`openrouter`, `openaiCompatible`, `copilot`,
   * `vertex`, `azure`, …) or the provider id; each applicable one is merged into the body last.
   * Keys in the AI SDK's spelling (`reasoningEffort`, `thinking.budgetTokens`, `promptCacheKey`,
   * …) are written as the API's fields; any other key is passed as written.
   */
  providerOptions?: {
    [k: string]: unknown;
  } | null;
  /**
   * Headers for this call only, on top of the session's.
   */
  headers?: {
    [k: string]: string;
  } | null;
  /**
   * Tried in order when the call fails retryably before its first streamed byte.
   */
  fallbacks?: ChatTarget[];
  /**
   * A small call (a title, a summary): the model's small-call options (OpenCode's
   * `smallOptions()`: its first reasoning preset, `store: false` where that applies) instead of
   * the full ones. A `variant` given with it still wins.
   */
  small?: boolean;
}
/**
 * A tool the model may call: a function tool (`{name, description?, inputSchema}`), or a
 * provider-defined one (`{type: "provider-defined", id, name, args?}`, as the AI SDK's).
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "Tool".
 */
export interface Tool {
  type?: ToolKind;
  /**
   * The name the model's calls of the tool come back under.
   */
  name: string;
  description?: string | null;
  /**
   * A JSON Schema object (function tools).
   */
  inputSchema?: {
    [k: string]: unknown;
  };
  /**
   * A provider-defined tool's id, `<provider>.<tool>` (e.g. `anthropic.web_search_20250305`,
   * `openai.web_search`, `google.google_search`; `docs/call-options.md` lists them).
   */
  id?: string | null;
  /**
   * A provider-defined tool's settings in the AI SDK's spelling (e.g. `{maxUses: 3}`).
   */
  args?: {
    [k: string]: unknown;
  } | null;
}
/**
 * A provider and model a chat call tries: the call's own, then each of its `fallbacks`.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ChatTarget".
 */
export interface ChatTarget {
  providerId: string;
  modelId: string;
}
/**
 * The final result of a chat call.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ChatResult".
 */
export interface ChatResult {
  content: Part[];
  finishReason: FinishReason;
  usage: Usage;
  /**
   * Filled by the session layer from catalog prices; the wire layer leaves it empty.
   */
  cost?: number | null;
  response: ResponseInfo;
  providerMetadata?: {
    [k: string]: unknown;
  } | null;
  /**
   * What did not stop the call but left part of it undone (the AI SDK's `warnings`).
   */
  warnings?: CallWarning[];
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "Usage".
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ResponseInfo".
 */
export interface ResponseInfo {
  id?: string | null;
  modelId?: string | null;
}
/**
 * Params of `chat/generate`.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ChatGenerateParams".
 */
export interface ChatGenerateParams {
  sessionId: string;
  providerId: string;
  modelId: string;
  /**
   * A reasoning preset of the model (`model/get` lists them, e.g. `low`, `high`, `max`); an unknown
   * name is invalid params with `data.available`.
   */
  variant?: string | null;
  messages: Message[];
  tools?: Tool[];
  toolChoice?: ToolChoice | null;
  temperature?: number | null;
  topP?: number | null;
  topK?: number | null;
  maxOutputTokens?: number | null;
  stopSequences?: string[];
  /**
   * `{type: "text"}` (the default) or `{type: "json", schema?, name?, description?}`.
   */
  responseFormat?: ResponseFormat | null;
  /**
   * Sampling seed, for repeatable answers where the API takes one (OpenAI chat completions,
   * Gemini, Cohere; Mistral's `random_seed`).
   */
  seed?: number | null;
  /**
   * Penalizes tokens already present (OpenAI chat completions, Gemini, Cohere).
   */
  presencePenalty?: number | null;
  /**
   * Penalizes tokens by how often they appeared (OpenAI chat completions, Gemini, Cohere).
   */
  frequencyPenalty?: number | null;
  /**
   * Provider options by key: the wire format's namespace (`openai`, `anthropic`, `google`,
   * `bedrock`, `cohere`), the AI SDK package's key (`openrouter`, `openaiCompatible`, `copilot`,
   * `vertex`, `azure`, …) or the provider id; each applicable one is merged into the body last.
   * Keys in the AI SDK's spelling (`reasoningEffort`, `thinking.budgetTokens`, `promptCacheKey`,
   * …) are written as the API's fields; any other key is passed as written.
   */
  providerOptions?: {
    [k: string]: unknown;
  } | null;
  /**
   * Headers for this call only, on top of the session's.
   */
  headers?: {
    [k: string]: string;
  } | null;
  /**
   * Tried in order when the call fails retryably before its first streamed byte.
   */
  fallbacks?: ChatTarget[];
  /**
   * A small call (a title, a summary): the model's small-call options (OpenCode's
   * `smallOptions()`: its first reasoning preset, `store: false` where that applies) instead of
   * the full ones. A `variant` given with it still wins.
   */
  small?: boolean;
}
/**
 * Params of `transform/preview`.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "TransformPreviewParams".
 */
export interface TransformPreviewParams {
  sessionId: string;
  providerId: string;
  modelId: string;
  /**
   * A reasoning preset of the model (`model/get` lists them, e.g. `low`, `high`, `max`); an unknown
   * name is invalid params with `data.available`.
   */
  variant?: string | null;
  messages: Message[];
  tools?: Tool[];
  toolChoice?: ToolChoice | null;
  temperature?: number | null;
  topP?: number | null;
  topK?: number | null;
  maxOutputTokens?: number | null;
  stopSequences?: string[];
  /**
   * `{type: "text"}` (the default) or `{type: "json", schema?, name?, description?}`.
   */
  responseFormat?: ResponseFormat | null;
  /**
   * Sampling seed, for repeatable answers where the API takes one (OpenAI chat completions,
   * Gemini, Cohere; Mistral's `random_seed`).
   */
  seed?: number | null;
  /**
   * Penalizes tokens already present (OpenAI chat completions, Gemini, Cohere).
   */
  presencePenalty?: number | null;
  /**
   * Penalizes tokens by how often they appeared (OpenAI chat completions, Gemini, Cohere).
   */
  frequencyPenalty?: number | null;
  /**
   * Provider options by key: the wire format's namespace (`openai`, `anthropic`, `google`,
   * `bedrock`, `cohere`), the AI SDK package's key (`openrouter`, `openaiCompatible`, `copilot`,
   * `vertex`, `azure`, …) or the provider id; each applicable one is merged into the body last.
   * Keys in the AI SDK's spelling (`reasoningEffort`, `thinking.budgetTokens`, `promptCacheKey`,
   * …) are written as the API's fields; any other key is passed as written.
   */
  providerOptions?: {
    [k: string]: unknown;
  } | null;
  /**
   * Headers for this call only, on top of the session's.
   */
  headers?: {
    [k: string]: string;
  } | null;
  /**
   * Tried in order when the call fails retryably before its first streamed byte.
   */
  fallbacks?: ChatTarget[];
  /**
   * A small call (a title, a summary): the model's small-call options (OpenCode's
   * `smallOptions()`: its first reasoning preset, `store: false` where that applies) instead of
   * the full ones. A `variant` given with it still wins.
   */
  small?: boolean;
}
/**
 * What `chat/*` with the same params would send first (fallbacks are not shown).
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "TransformPreview".
 */
export interface TransformPreview {
  method: string;
  url: string;
  /**
   * Every header of the request, auth included, with credential values replaced by `[redacted]`.
   */
  headers: {
    [k: string]: string;
  };
  /**
   * The JSON body exactly as sent.
   */
  body: {
    [k: string]: unknown;
  };
  /**
   * The loader's resolved runtime (protocol, base URL, auth scheme, default options).
   */
  runtime: RuntimePreview;
  /**
   * Where the credential comes from: `session`, `keyring`, `file`, `oauth`, `env`, `aws-sdk`,
   * `config` or `none`.
   */
  credentialSource: string;
  variant?: string | null;
  /**
   * How a JSON answer (`responseFormat: {type: "json"}`) is asked of this model: its schema
   * enforced, the API's JSON mode, or a forced `json` tool; with the reason.
   */
  responseFormat?: ResponseFormatPlan | null;
  /**
   * What each plugin hook changed, in the order they ran (built-ins, then the host's).
   */
  hooks?: HookChange[];
  /**
   * Hooks that failed and were skipped (the preview shows the request without their change).
   */
  warnings?: CallWarning[];
}
/**
 * How a call's JSON answer is asked for, as `transform/preview` shows it.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ResponseFormatPlan".
 */
export interface ResponseFormatPlan {
  mode: JsonAnswerMode;
  /**
   * Why this mode: what the catalog says of the model, or what the call gave.
   */
  reason: string;
}
/**
 * What one plugin's hook changed (shown by `transform/preview`).
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "HookChange".
 */
export interface HookChange {
  plugin: string;
  hook: HookPoint;
  /**
   * The output fields (`temperature`, `providerOptions`, ...) or header names it changed.
   */
  changed: string[];
}
/**
 * `config/import` params: where to look. With neither `paths` nor `directory`, the global config.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ConfigImportParams".
 */
export interface ConfigImportParams {
  /**
   * A project directory: its `opencode.json(c)` and `.opencode/opencode.json(c)` go over the
   * global config.
   */
  directory?: string | null;
  /**
   * Read the global config (`$XDG_CONFIG_HOME/opencode`, else `~/.config/opencode`); default
   * true.
   */
  global?: boolean | null;
  /**
   * Exact files to read instead of looking (later files go over earlier ones).
   */
  paths?: string[];
}
/**
 * What an import read, took and left; names and keys only, never a value.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ConfigImportReport".
 */
export interface ConfigImportReport {
  /**
   * Where the imported config is kept; `null` when nothing was found (a previous import stays).
   */
  storedAt?: string | null;
  /**
   * The files read, in merge order (later ones win).
   */
  sources: ImportedSource[];
  /**
   * Keys and providers left out, with why.
   */
  skipped: SkippedConfig[];
  /**
   * Candidate files that do not exist.
   */
  notFound: string[];
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ImportedSource".
 */
export interface ImportedSource {
  path: string;
  /**
   * `global`, `project` or `file` (given in `paths`).
   */
  scope: string;
  /**
   * Provider ids taken from this file.
   */
  providers: string[];
  /**
   * Other top-level settings taken (`model`, `small_model`, ...).
   */
  settings: string[];
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "SkippedConfig".
 */
export interface SkippedConfig {
  path: string;
  /**
   * The top-level key, or `provider.<id>`.
   */
  key: string;
  reason: string;
}
/**
 * Params of `doctor/report`.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "DoctorReportParams".
 */
export interface DoctorReportParams {
  /**
   * Also check that each connected provider answers: one GET of its models endpoint, with no
   * credential sent (any HTTP answer, even 401, means it is reachable).
   */
  checkReachability?: boolean;
  /**
   * How long each provider may take to answer (default 5000).
   */
  timeoutMs?: number | null;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "DoctorReport".
 */
export interface DoctorReport {
  /**
   * No check failed (warnings allowed).
   */
  healthy: boolean;
  /**
   * Every finding, in the order of the sections below.
   */
  checks: DoctorCheck[];
  dataDir: DataDirReport;
  credentialStore: CredentialStoreReport;
  catalog: CatalogReport;
  network: NetworkReport;
  /**
   * Connected providers (a credential stored, in the environment or in the config).
   */
  providers: ProviderReport[];
}
/**
 * One finding, in plain words.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "DoctorCheck".
 */
export interface DoctorCheck {
  /**
   * What was checked: `dataDir`, `credentialStore`, `catalog`, `network`, or `provider:<id>`.
   */
  name: string;
  status: CheckStatus;
  /**
   * A sentence saying what was found and, when something is wrong, what to do.
   */
  summary: string;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "DataDirReport".
 */
export interface DataDirReport {
  path: string;
  exists: boolean;
  /**
   * A file could be created in it (or, when it does not exist yet, in its nearest parent).
   */
  writable: boolean;
  /**
   * Unix permission bits in octal, e.g. `0700`.
   */
  mode?: string | null;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "CredentialStoreReport".
 */
export interface CredentialStoreReport {
  /**
   * `keyring`, `file`, or absent when the store could not be opened.
   */
  kind?: StoreKind | null;
  /**
   * What the config asks for (`auto` unless `auth.store` says otherwise).
   */
  configured: StoreMode;
  /**
   * Why this store is the one in use.
   */
  reason: string;
  /**
   * The credential file, when the file store is in use.
   */
  file?: string | null;
  /**
   * The credential file's permission bits in octal (`0600` expected).
   */
  fileMode?: string | null;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "CatalogReport".
 */
export interface CatalogReport {
  /**
   * `embedded`, `cache` or `remote`; absent when the catalog could not be served.
   */
  source?: CatalogSource | null;
  /**
   * RFC 3339; absent for the embedded snapshot.
   */
  fetchedAt?: string | null;
  ageMinutes?: number | null;
  providerCount: number;
  modelCount: number;
  /**
   * Where refreshes come from (without any query string).
   */
  url: string;
  fetchEnabled: boolean;
  lastError?: string | null;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "NetworkReport".
 */
export interface NetworkReport {
  /**
   * The proxy in force, its user name and password masked.
   */
  proxy?: string | null;
  /**
   * Where the proxy comes from: `network.proxy` or an environment variable's name.
   */
  proxyFrom?: string | null;
  noProxy?: string | null;
  caCertificates: CaFileReport[];
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "CaFileReport".
 */
export interface CaFileReport {
  path: string;
  /**
   * Certificates found in it.
   */
  certificates: number;
  error?: string | null;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ProviderReport".
 */
export interface ProviderReport {
  providerId: string;
  /**
   * Where its credential comes from: `keyring`, `file`, `oauth`, `env`, `config`.
   */
  credentialSource?: CredentialLocation | null;
  /**
   * The environment variable holding the credential, when it comes from the environment.
   */
  envVar?: string | null;
  /**
   * Present when reachability was checked.
   */
  reachability?: Reachability | null;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "Reachability".
 */
export interface Reachability {
  /**
   * The endpoint tried (without any query string); absent when none is known.
   */
  url?: string | null;
  reachable: boolean;
  /**
   * The HTTP status it answered with.
   */
  status?: number | null;
  elapsedMs: number;
  error?: string | null;
}
/**
 * The params of a `$/progress` notification: the token the request named (or one the sidecar
 * made up) and one step of the work.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ProgressParams".
 */
export interface ProgressParams {
  token: ProgressToken;
  value: WorkDoneProgress;
}
/**
 * `chat/delta` params: one normalized stream part of the request `requestId`.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ChatDelta".
 */
export interface ChatDelta {
  requestId: unknown;
  part: StreamPart;
}
/**
 * The error carried by an `error` stream part (see [`crate::protocol::error::ProviderFailure`]).
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "StreamError".
 */
export interface StreamError {
  /**
   * `rate_limited`, `context_overflow`, `auth`, `bad_request`, `provider_server`, `stream_interrupted`.
   */
  kind: string;
  message: string;
  status?: number | null;
  retryable: boolean;
  retryAfterMs?: number | null;
}
/**
 * The params of the `hook/event` notification.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "HookEventParams".
 */
export interface HookEventParams {
  event: HookEvent;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "AuthPreview".
 */
export interface AuthPreview {
  /**
   * `none`, `bearer`, `header`, `sigv4` or `zai-jwt`.
   */
  scheme: string;
  header?: string | null;
  value?: string | null;
  region?: string | null;
  service?: string | null;
}
/**
 * `auth/oauth/authorize`.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "AuthorizeRpcParams".
 */
export interface AuthorizeRpcParams {
  providerId: string;
  /**
   * Index into the provider's `auth/methods` list.
   */
  method: number;
  /**
   * Answers to the method's prompts, by prompt key.
   */
  inputs?: {
    [k: string]: string;
  } | null;
  /**
   * Account name to store the result under; `default` when omitted.
   */
  account?: string | null;
  /**
   * Token of the `$/progress` notifications sent while a device flow waits; the
   * authorization id when omitted.
   */
  workDoneToken?: {
    [k: string]: unknown;
  };
}
/**
 * `auth/oauth/callback`.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "CallbackParams".
 */
export interface CallbackParams {
  providerId: string;
  method: number;
  authorizationId: string;
  code?: Secret | null;
}
/**
 * The params of `hook/chat.headers`.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ChatHeadersHookParams".
 */
export interface ChatHeadersHookParams {
  input: ChatHookInput;
  output: ChatHeadersOutput;
}
/**
 * The input of `chat.params` and `chat.headers` (OpenCode's `{sessionID, model, provider,
 * message}`). Holds no secret: no API key, token or header value.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ChatHookInput".
 */
export interface ChatHookInput {
  sessionId: string;
  model: HookModel;
  variant?: string | null;
  /**
   * A small call (a title, a summary).
   */
  small: boolean;
  /**
   * The request as the caller sent it (before the sampling defaults and transforms).
   */
  request: ChatRequest;
  /**
   * The names (never the values) of the headers the request carries so far: the loader's,
   * the config's, the session's and the call's; auth headers are added after the hooks and
   * are not listed.
   */
  headerNames: string[];
}
/**
 * The model a call resolved to.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "HookModel".
 */
export interface HookModel {
  providerId: string;
  /**
   * The model's key under its provider (what the caller selected).
   */
  modelId: string;
  /**
   * The id sent upstream.
   */
  apiModelId: string;
  /**
   * The wire format the call speaks.
   */
  wireFormat: WireFormat;
  /**
   * The AI SDK package the catalog names for the model (`@ai-sdk/anthropic`, ...).
   */
  npm: string;
}
/**
 * The output of `chat.headers`: the headers the hooks add so far. They go over the loader's,
 * the config's, the session's and the call's headers (names compare without case); auth
 * headers are computed after the hooks.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ChatHeadersOutput".
 */
export interface ChatHeadersOutput {
  headers: {
    [k: string]: string;
  };
}
/**
 * A host's answer to `hook/chat.headers`: headers to set (a `null` value removes a header an
 * earlier hook set). `null` as the whole answer changes nothing; names and values must be valid
 * HTTP.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ChatHeadersPatch".
 */
export interface ChatHeadersPatch {
  headers?: {
    [k: string]: string | null;
  };
}
/**
 * `chat/stream` and `chat/generate` params.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ChatParams".
 */
export interface ChatParams {
  sessionId: string;
  providerId: string;
  modelId: string;
  /**
   * A reasoning preset of the model (`model/get` lists them, e.g. `low`, `high`, `max`); an unknown
   * name is invalid params with `data.available`.
   */
  variant?: string | null;
  messages: Message[];
  tools?: Tool[];
  toolChoice?: ToolChoice | null;
  temperature?: number | null;
  topP?: number | null;
  topK?: number | null;
  maxOutputTokens?: number | null;
  stopSequences?: string[];
  /**
   * `{type: "text"}` (the default) or `{type: "json", schema?, name?, description?}`.
   */
  responseFormat?: ResponseFormat | null;
  /**
   * Sampling seed, for repeatable answers where the API takes one (OpenAI chat completions,
   * Gemini, Cohere; Mistral's `random_seed`).
   */
  seed?: number | null;
  /**
   * Penalizes tokens already present (OpenAI chat completions, Gemini, Cohere).
   */
  presencePenalty?: number | null;
  /**
   * Penalizes tokens by how often they appeared (OpenAI chat completions, Gemini, Cohere).
   */
  frequencyPenalty?: number | null;
  /**
   * Provider options by key: the wire format's namespace (`openai`, `anthropic`, `google`,
   * `bedrock`, `cohere`), the AI SDK package's key (`openrouter`, `openaiCompatible`, `copilot`,
   * `vertex`, `azure`, …) or the provider id; each applicable one is merged into the body last.
   * Keys in the AI SDK's spelling (`reasoningEffort`, `thinking.budgetTokens`, `promptCacheKey`,
   * …) are written as the API's fields; any other key is passed as written.
   */
  providerOptions?: {
    [k: string]: unknown;
  } | null;
  /**
   * Headers for this call only, on top of the session's.
   */
  headers?: {
    [k: string]: string;
  } | null;
  /**
   * Tried in order when the call fails retryably before its first streamed byte.
   */
  fallbacks?: ChatTarget[];
  /**
   * A small call (a title, a summary): the model's small-call options (OpenCode's
   * `smallOptions()`: its first reasoning preset, `store: false` where that applies) instead of
   * the full ones. A `variant` given with it still wins.
   */
  small?: boolean;
}
/**
 * The params of `hook/chat.params`: the call, and the output as it stands after the built-in and
 * in-process hooks.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ChatParamsHookParams".
 */
export interface ChatParamsHookParams {
  input: ChatHookInput;
  output: ChatParamsOutput;
}
/**
 * The output of `chat.params`: the values the call sends, after the model's sampling defaults.
 * An unset value is not sent.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ChatParamsOutput".
 */
export interface ChatParamsOutput {
  temperature?: number | null;
  topP?: number | null;
  topK?: number | null;
  maxOutputTokens?: number | null;
  /**
   * The call's own provider options by key (`openai`, `anthropic`, the SDK key or the provider
   * id), in the AI SDK's spelling; merged into the body last, over the profile's defaults, the
   * config's options and the reasoning variant.
   */
  providerOptions?: {
    [k: string]: unknown;
  } | null;
}
/**
 * A host's answer to `hook/chat.params`: each field present replaces the value in the output it
 * was sent, `null` removes it, an absent field keeps it. `null` as the whole answer changes
 * nothing. Unknown fields make the answer invalid (a typo would otherwise pass silently).
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ChatParamsPatch".
 */
export interface ChatParamsPatch {
  temperature?: number | null;
  topP?: number | null;
  topK?: number | null;
  maxOutputTokens?: number | null;
  /**
   * Replaces the call's provider options whole.
   */
  providerOptions?: {
    [k: string]: unknown;
  } | null;
}
/**
 * The normalized request a wire format's request builder turns into a provider body.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ChatRequest".
 */
export interface ChatRequest {
  messages: Message[];
  tools?: Tool[];
  toolChoice?: ToolChoice | null;
  temperature?: number | null;
  topP?: number | null;
  topK?: number | null;
  maxOutputTokens?: number | null;
  stopSequences?: string[];
  /**
   * `{type: "text"}` (the default) or `{type: "json", schema?, name?, description?}`.
   */
  responseFormat?: ResponseFormat | null;
  /**
   * Sampling seed, for repeatable answers where the API takes one (OpenAI chat completions,
   * Gemini, Cohere; Mistral's `random_seed`).
   */
  seed?: number | null;
  /**
   * Penalizes tokens already present (OpenAI chat completions, Gemini, Cohere).
   */
  presencePenalty?: number | null;
  /**
   * Penalizes tokens by how often they appeared (OpenAI chat completions, Gemini, Cohere).
   */
  frequencyPenalty?: number | null;
  /**
   * Provider options by key: the wire format's namespace (`openai`, `anthropic`, `google`,
   * `bedrock`, `cohere`), the AI SDK package's key (`openrouter`, `openaiCompatible`, `copilot`,
   * `vertex`, `azure`, …) or the provider id; each applicable one is merged into the body last.
   * Keys in the AI SDK's spelling (`reasoningEffort`, `thinking.budgetTokens`, `promptCacheKey`,
   * …) are written as the API's fields; any other key is passed as written.
   */
  providerOptions?: {
    [k: string]: unknown;
  } | null;
}
/**
 * The params of `hook/config`: the merged config (the sidecar's own over the imported OpenCode
 * config), secrets redacted.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ConfigHookParams".
 */
export interface ConfigHookParams {
  /**
   * OpenCode's config format (`provider`, `model`, `disabled_providers`, ...). Every value
   * that may hold a credential is `"[redacted]"`: keys naming a key, token, secret, password
   * or credential, every header value, and the user and password of URLs.
   */
  config: {
    [k: string]: unknown;
  };
}
/**
 * A host's answer to `hook/config`: an object deep-merged into the config (objects merge key by
 * key, anything else replaces), or `null` for no change. A `"[redacted]"` value in it leaves the
 * value it stands for as it was, so a host may send back what it was sent.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ConfigPatch".
 */
export interface ConfigPatch {
  [k: string]: unknown;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "DoctorParams".
 */
export interface DoctorParams {
  /**
   * Also check that each connected provider answers: one GET of its models endpoint, with no
   * credential sent (any HTTP answer, even 401, means it is reachable).
   */
  checkReachability?: boolean;
  /**
   * How long each provider may take to answer (default 5000).
   */
  timeoutMs?: number | null;
}
/**
 * `auth/import` params. Nothing is imported unless asked: the sidecar never imports by itself.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "ImportParams".
 */
export interface ImportParams {
  /**
   * `opencode` (the default).
   */
  source?: ImportSource | null;
  /**
   * Absolute path of the file; OpenCode's own location under the XDG data home
   * (`$XDG_DATA_HOME/opencode/auth.json`, else `~/.local/share/opencode/auth.json`) when omitted.
   */
  path?: string | null;
  /**
   * Replace credentials already stored for a provider (default false: keep them).
   */
  overwrite?: boolean | null;
}
/**
 * Params of a method that takes none; any object (or no params) is accepted.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "NoParams".
 */
export interface NoParams {}
/**
 * A partial update: an absent field keeps its value, `null` clears it.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "PreferencesUpdate".
 */
export interface PreferencesUpdate {
  selectedProviderId?: string | null;
  selectedModelId?: string | null;
  hybridEnabled?: boolean | null;
  hybridVisionProviderId?: string | null;
  hybridVisionModelId?: string | null;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "RefreshCatalogParams".
 */
export interface RefreshCatalogParams {
  /**
   * Fetch even when the served catalog is younger than the TTL (default true).
   */
  force?: boolean | null;
  /**
   * Token for the `$/progress` notifications; one is generated when absent.
   */
  workDoneToken?: ProgressToken | null;
}
/**
 * `auth/remove`: one account, or every account of the provider when `account` is omitted.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "RemoveParams".
 */
export interface RemoveParams {
  providerId: string;
  account?: string | null;
}
/**
 * A redacted, serializable view of a [`ResolvedRuntime`] for `transform/preview` and logs.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "RuntimePreview".
 */
export interface RuntimePreview {
  providerId: string;
  protocol: RuntimeProtocol;
  baseUrl: string;
  chatUrl: string;
  headers: {
    [k: string]: string;
  };
  auth: AuthPreview;
  defaultOptions: {
    [k: string]: unknown;
  };
  wireModelId: string;
  modelInBody: boolean;
  dynamicHeaders?: DynamicHeaders | null;
}
/**
 * Choose which stored account a provider uses.
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "SelectAccountParams".
 */
export interface SelectAccountParams {
  providerId: string;
  account: string;
}
/**
 * `auth/set`: store an API key (optionally as a named account, validated first).
 *
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "SetParams".
 */
export interface SetParams {
  providerId: string;
  token: Secret;
  /**
   * Account name; `default` when omitted.
   */
  account?: string | null;
  label?: string | null;
  /**
   * Make this the provider's active account (default true).
   */
  activate?: boolean | null;
  /**
   * Extra non-secret values kept with the key (OpenCode's `metadata`, e.g. Azure `resourceName`).
   */
  metadata?: {
    [k: string]: string;
  };
  /**
   * Check the key against the provider's models endpoint first: a key it rejects (401/403)
   * fails with `auth_failed` and is not stored; one it cannot check is stored with a warning.
   */
  validate?: boolean | null;
}
/**
 * This interface was referenced by `SidecarContract`'s JSON-Schema
 * via the `definition` "TierThreshold".
 */
export interface TierThreshold {
  /**
   * `context` (the only kind so far).
   */
  type?: string;
  size?: number;
}

/** Params and result of every RPC method, by method name. */
export type RpcMethods = SidecarContract["methods"];
/** Every RPC method name. */
export type MethodName = keyof RpcMethods;
export type MethodParams<M extends MethodName> = RpcMethods[M]["params"];
export type MethodResult<M extends MethodName> = RpcMethods[M]["result"];
/** Params of every notification the sidecar sends, by notification name. */
export type RpcNotifications = SidecarContract["notifications"];
export type NotificationName = keyof RpcNotifications;

/** The method names of the contract, in its order. */
export const METHOD_NAMES: readonly MethodName[] = [
  "initialize",
  "shutdown",
  "rpc.discover",
  "catalog/status",
  "catalog/refresh",
  "provider/list",
  "provider/catalog",
  "provider/get",
  "model/list",
  "model/get",
  "model/default",
  "preferences/get",
  "preferences/update",
  "model/search",
  "provider/search",
  "auth/methods",
  "auth/status",
  "auth/set",
  "auth/remove",
  "auth/accounts/select",
  "auth/oauth/authorize",
  "auth/oauth/callback",
  "auth/import",
  "session/open",
  "session/update",
  "session/close",
  "session/list",
  "chat/stream",
  "chat/generate",
  "transform/preview",
  "config/import",
  "doctor/report",
];
/** The notification names of the contract, in its order. */
export const NOTIFICATION_NAMES: readonly NotificationName[] = [
  "$/progress",
  "catalog/changed",
  "chat/delta",
  "hook/event",
];
