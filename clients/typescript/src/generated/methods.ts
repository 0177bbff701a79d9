// Generated from schema/openrpc.json by scripts/generate.mjs (method wrappers). Do not edit:
// run `npm run generate` after `cargo run -- schema --out schema`.

import type { Disposable } from "vscode-jsonrpc";
import type {
  MethodName,
  MethodParams,
  MethodResult,
  NotificationName,
  RpcNotifications,
  InitializeParams,
  CatalogRefreshParams,
  ProviderGetParams,
  ModelListParams,
  ModelGetParams,
  PreferencesUpdateParams,
  ModelSearchParams,
  ProviderSearchParams,
  AuthSetParams,
  AuthRemoveParams,
  AuthAccountsSelectParams,
  AuthOauthAuthorizeParams,
  AuthOauthCallbackParams,
  AuthImportParams,
  SessionOpenParams,
  SessionUpdateParams,
  SessionCloseParams,
  ChatGenerateParams,
  TransformPreviewParams,
  ConfigImportParams,
  DoctorReportParams,
} from "./contract";

/** Options of one call. */
export interface CallOptions {
  /** Aborting sends `$/cancelRequest`; the call then fails with code -32800. */
  signal?: AbortSignal;
}

/** One typed method per RPC method of the contract, and one typed handler per notification. */
export abstract class SidecarMethods {
  /** Sends one request and resolves with its result (rejects with a SidecarError). */
  protected abstract call<M extends MethodName>(
    method: M,
    params: MethodParams<M>,
    options?: CallOptions,
  ): Promise<MethodResult<M>>;

  /** Registers a handler for one notification. */
  abstract onNotification<N extends NotificationName>(
    name: N,
    handler: (params: RpcNotifications[N]) => void,
  ): Disposable;

  /**
   * `initialize`: Optional handshake: client info, config, data dir and log level in; server info and capabilities out.
   */
  initialize(
    params: InitializeParams = {},
    options?: CallOptions,
  ): Promise<MethodResult<"initialize">> {
    return this.call("initialize", params, options);
  }

  /**
   * `shutdown`: Prepares to exit: later requests fail with server_shutting_down; `exit` then ends the process with 0.
   */
  shutdown(options?: CallOptions): Promise<MethodResult<"shutdown">> {
    return this.call("shutdown", null, options);
  }

  /**
   * `rpc.discover`: The OpenRPC document describing every method, its params, result and errors.
   */
  rpcDiscover(options?: CallOptions): Promise<MethodResult<"rpc.discover">> {
    return this.call("rpc.discover", null, options);
  }

  /**
   * `catalog/status`: The served catalog: source (embedded, cache, remote), fetch time, provider and model counts, refresh settings and the last refresh error.
   */
  catalogStatus(options?: CallOptions): Promise<MethodResult<"catalog/status">> {
    return this.call("catalog/status", null, options);
  }

  /**
   * `catalog/refresh`: Fetches the catalog now (conditionally); reports `$/progress` and sends `catalog/changed` when the served catalog changed. A failure leaves the served catalog intact.
   */
  catalogRefresh(
    params: CatalogRefreshParams = {},
    options?: CallOptions,
  ): Promise<MethodResult<"catalog/refresh">> {
    return this.call("catalog/refresh", params, options);
  }

  /**
   * `provider/list`: Every provider (catalog and config) with its connection state and credential source; never a secret.
   */
  providerList(options?: CallOptions): Promise<MethodResult<"provider/list">> {
    return this.call("provider/list", null, options);
  }

  /**
   * `provider/catalog`: Providers for a picker: connected first, then popular, then by name; with aliases and auth methods.
   */
  providerCatalog(options?: CallOptions): Promise<MethodResult<"provider/catalog">> {
    return this.call("provider/catalog", null, options);
  }

  /**
   * `provider/get`: One provider's descriptor.
   */
  providerGet(
    params: ProviderGetParams,
    options?: CallOptions,
  ): Promise<MethodResult<"provider/get">> {
    return this.call("provider/get", params, options);
  }

  /**
   * `model/list`: Model descriptors (capabilities, limits, costs, modalities, status, runtime protocol, call options), filtered by provider, capabilities, status and connection.
   */
  modelList(
    params: ModelListParams = {},
    options?: CallOptions,
  ): Promise<MethodResult<"model/list">> {
    return this.call("model/list", params, options);
  }

  /**
   * `model/get`: One model's descriptor; `model_not_found` carries close model ids as suggestions.
   */
  modelGet(params: ModelGetParams, options?: CallOptions): Promise<MethodResult<"model/get">> {
    return this.call("model/get", params, options);
  }

  /**
   * `model/default`: The default model (config `model`, else the stored preference, else OpenCode's priority among connected providers) and the small model.
   */
  modelDefault(options?: CallOptions): Promise<MethodResult<"model/default">> {
    return this.call("model/default", null, options);
  }

  /**
   * `preferences/get`: The selected provider and model and the hybrid vision choice (defaults when none stored).
   */
  preferencesGet(options?: CallOptions): Promise<MethodResult<"preferences/get">> {
    return this.call("preferences/get", null, options);
  }

  /**
   * `preferences/update`: Partial update (an absent field is kept, `null` clears it), persisted atomically; returns the stored preferences.
   */
  preferencesUpdate(
    params: PreferencesUpdateParams = {},
    options?: CallOptions,
  ): Promise<MethodResult<"preferences/update">> {
    return this.call("preferences/update", params, options);
  }

  /**
   * `model/search`: Typo-tolerant ranked model search over the merged catalog, with filters; an empty query lists connected and popular models first.
   */
  modelSearch(
    params: ModelSearchParams = {},
    options?: CallOptions,
  ): Promise<MethodResult<"model/search">> {
    return this.call("model/search", params, options);
  }

  /**
   * `provider/search`: Ranked provider search by id, name and aliases (connected, then popular), for a provider picker.
   */
  providerSearch(
    params: ProviderSearchParams = {},
    options?: CallOptions,
  ): Promise<MethodResult<"provider/search">> {
    return this.call("provider/search", params, options);
  }

  /**
   * `auth/methods`: Sign-in methods of every provider; `method` in the OAuth calls is an index into a provider's list.
   */
  authMethods(options?: CallOptions): Promise<MethodResult<"auth/methods">> {
    return this.call("auth/methods", null, options);
  }

  /**
   * `auth/status`: Credential state of every provider, models.dev's and the config's (stored, from the environment, from the config, or none) and the store in use; never a secret.
   */
  authStatus(options?: CallOptions): Promise<MethodResult<"auth/status">> {
    return this.call("auth/status", null, options);
  }

  /**
   * `auth/set`: Stores an API key for a provider (optionally as a named account, optionally validated first against its models endpoint).
   */
  authSet(params: AuthSetParams, options?: CallOptions): Promise<MethodResult<"auth/set">> {
    return this.call("auth/set", params, options);
  }

  /**
   * `auth/remove`: Removes a provider's stored credential: one account, or all of them when `account` is omitted.
   */
  authRemove(
    params: AuthRemoveParams,
    options?: CallOptions,
  ): Promise<MethodResult<"auth/remove">> {
    return this.call("auth/remove", params, options);
  }

  /**
   * `auth/accounts/select`: Makes another stored account the provider's active one.
   */
  authAccountsSelect(
    params: AuthAccountsSelectParams,
    options?: CallOptions,
  ): Promise<MethodResult<"auth/accounts/select">> {
    return this.call("auth/accounts/select", params, options);
  }

  /**
   * `auth/oauth/authorize`: Starts a provider's OAuth sign-in (method = index into its auth/methods list): URL and instructions out; `$/progress` while a device flow waits.
   */
  authOauthAuthorize(
    params: AuthOauthAuthorizeParams,
    options?: CallOptions,
  ): Promise<MethodResult<"auth/oauth/authorize">> {
    return this.call("auth/oauth/authorize", params, options);
  }

  /**
   * `auth/oauth/callback`: Follows a sign-in: `pending` until an "auto" flow finishes, or finishes a "code" flow with the pasted code.
   */
  authOauthCallback(
    params: AuthOauthCallbackParams,
    options?: CallOptions,
  ): Promise<MethodResult<"auth/oauth/callback">> {
    return this.call("auth/oauth/callback", params, options);
  }

  /**
   * `auth/import`: Imports the credentials of OpenCode's auth.json (read only; never done unless asked): imported providers and skipped ones with reasons, never a secret.
   */
  authImport(
    params: AuthImportParams = {},
    options?: CallOptions,
  ): Promise<MethodResult<"auth/import">> {
    return this.call("auth/import", params, options);
  }

  /**
   * `session/open`: Opens (or replaces) a session: config overlay, env overlay, in-memory credentials, default headers and options.
   */
  sessionOpen(
    params: SessionOpenParams,
    options?: CallOptions,
  ): Promise<MethodResult<"session/open">> {
    return this.call("session/open", params, options);
  }

  /**
   * `session/update`: Changes an open session: `config` and `options` are replaced, `env`, `credentials` and `headers` extended key by key; running chats keep their snapshot.
   */
  sessionUpdate(
    params: SessionUpdateParams,
    options?: CallOptions,
  ): Promise<MethodResult<"session/update">> {
    return this.call("session/update", params, options);
  }

  /**
   * `session/close`: Closes a session: cancels its in-flight chats (-32800) and wipes its credentials.
   */
  sessionClose(
    params: SessionCloseParams,
    options?: CallOptions,
  ): Promise<MethodResult<"session/close">> {
    return this.call("session/close", params, options);
  }

  /**
   * `session/list`: The open sessions: ids and the names of what they hold, never secret values.
   */
  sessionList(options?: CallOptions): Promise<MethodResult<"session/list">> {
    return this.call("session/list", null, options);
  }

  /**
   * `chat/generate`: Runs a chat turn and answers with the final result only. Cancel answers -32800 with data.partial.
   */
  chatGenerate(
    params: ChatGenerateParams,
    options?: CallOptions,
  ): Promise<MethodResult<"chat/generate">> {
    return this.call("chat/generate", params, options);
  }

  /**
   * `transform/preview`: The exact request (method, URL, headers with secrets redacted, body) `chat/*` would send for these params, without sending it.
   */
  transformPreview(
    params: TransformPreviewParams,
    options?: CallOptions,
  ): Promise<MethodResult<"transform/preview">> {
    return this.call("transform/preview", params, options);
  }

  /**
   * `config/import`: Imports OpenCode's opencode.json(c) (global, and a project's given `directory`; read only, never done unless asked) under the sidecar's own config: the files read, the providers and settings taken, what was skipped and why; never a value.
   */
  configImport(
    params: ConfigImportParams = {},
    options?: CallOptions,
  ): Promise<MethodResult<"config/import">> {
    return this.call("config/import", params, options);
  }

  /**
   * `doctor/report`: A health report in plain words and as data: data dir, credential store and why, catalog source and age, proxy and CA settings in force, and (when asked) whether each connected provider answers; never a secret.
   */
  doctorReport(
    params: DoctorReportParams = {},
    options?: CallOptions,
  ): Promise<MethodResult<"doctor/report">> {
    return this.call("doctor/report", params, options);
  }

  /**
   * `$/progress`: LSP work-done progress of `catalog/refresh` and of a device sign-in waiting in `auth/oauth/authorize`: `begin`, then `report`s, then `end`, under the request's `workDoneToken` (or one the sidecar made).
   */
  onProgress(handler: (params: RpcNotifications["$/progress"]) => void): Disposable {
    return this.onNotification("$/progress", handler);
  }

  /**
   * `catalog/changed`: The served catalog changed (after `catalog/refresh` or a background refresh): counts of providers and models added, removed and changed, and the new totals.
   */
  onCatalogChanged(handler: (params: RpcNotifications["catalog/changed"]) => void): Disposable {
    return this.onNotification("catalog/changed", handler);
  }

  /**
   * `chat/delta`: One normalized stream part of a `chat/stream` request (`requestId` is its id).
   */
  onChatDelta(handler: (params: RpcNotifications["chat/delta"]) => void): Disposable {
    return this.onNotification("chat/delta", handler);
  }

  /**
   * `hook/event`: A chat call started, finished or failed (sent when the host declared `capabilities.hooks.event`; never answered).
   */
  onHookEvent(handler: (params: RpcNotifications["hook/event"]) => void): Disposable {
    return this.onNotification("hook/event", handler);
  }
}
