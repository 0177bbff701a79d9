# Generated from schema/openrpc.json by scripts/generate.py (datamodel-code-generator). Do not edit:
# run it after `cargo run -- schema --out schema`.

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypeAlias

from typing_extensions import TypedDict

AuthKind: TypeAlias = Literal['token', 'oauth', 'none']
"""
The desktop contract's `ProviderDescriptor.auth.kind`.
"""


AuthMethodType: TypeAlias = Literal['api', 'token', 'oauth', 'none']


class AuthPreview(TypedDict):
    scheme: str
    """
    `none`, `bearer`, `header`, `sigv4` or `zai-jwt`.
    """
    header: NotRequired[str | None]
    value: NotRequired[str | None]
    region: NotRequired[str | None]
    service: NotRequired[str | None]


class AuthorizeRpcParams(TypedDict):
    """
    `auth/oauth/authorize`.
    """

    providerId: str
    method: int
    """
    Index into the provider's `auth/methods` list.
    """
    inputs: NotRequired[dict[str, Any] | None]
    """
    Answers to the method's prompts, by prompt key.
    """
    account: NotRequired[str | None]
    """
    Account name to store the result under; `default` when omitted.
    """
    workDoneToken: NotRequired[Any]
    """
    Token of the `$/progress` notifications sent while a device flow waits; the
    authorization id when omitted.
    """


class CaFileReport(TypedDict):
    path: str
    certificates: int
    """
    Certificates found in it.
    """
    error: NotRequired[str | None]


class CallWarning1(TypedDict):
    """
    A hook failed, timed out or answered garbage; the call went on without its change.
    """

    type: Literal['hook-failed']
    plugin: str
    """
    The plugin (`host` for the host's hooks).
    """
    hook: str
    """
    `chat.params` or `chat.headers`.
    """
    reason: str
    """
    `timeout`, `closed`, `rejected`, `invalid_answer` or `failed`.
    """
    message: str


CallWarning: TypeAlias = CallWarning1
"""
Something that did not stop a call but left part of it undone.
"""


CallbackStatus: TypeAlias = Literal['pending', 'connected']


Capability: TypeAlias = Literal[
    'text',
    'vision',
    'tools',
    'reasoning',
    'plan',
    'attachment',
    'structuredOutput',
    'temperature',
    'audio',
    'pdf',
    'video',
]


class CatalogDiff(TypedDict):
    """
    `catalog/changed` notification params: what a refresh changed.
    """

    providersAdded: int
    providersRemoved: int
    modelsAdded: int
    modelsRemoved: int
    modelsChanged: int
    """
    Models present before and after whose data changed.
    """
    providerCount: int
    modelCount: int


CatalogSource: TypeAlias = Literal['embedded', 'cache', 'remote']


class CatalogStatus(TypedDict):
    """
    `catalog/status` result.
    """

    source: CatalogSource
    fetchedAt: NotRequired[str | None]
    """
    RFC 3339; absent for the embedded snapshot.
    """
    providerCount: int
    modelCount: int
    etag: NotRequired[str | None]
    url: str
    fetchEnabled: bool
    ttlMinutes: int
    stale: bool
    """
    Whether a background refresh is due now.
    """
    lastError: NotRequired[str | None]
    """
    The last refresh failure, if the last attempt failed.
    """


class ChatHeadersOutput(TypedDict):
    """
    The output of `chat.headers`: the headers the hooks add so far. They go over the loader's,
    the config's, the session's and the call's headers (names compare without case); auth
    headers are computed after the hooks.
    """

    headers: dict[str, str]


class ChatHeadersPatch(TypedDict, closed=True):
    """
    A host's answer to `hook/chat.headers`: headers to set (a `null` value removes a header an
    earlier hook set). `null` as the whole answer changes nothing; names and values must be valid
    HTTP.
    """

    headers: NotRequired[dict[str, str | None]]


class ChatParamsOutput(TypedDict):
    """
    The output of `chat.params`: the values the call sends, after the model's sampling defaults.
    An unset value is not sent.
    """

    temperature: NotRequired[float | None]
    topP: NotRequired[float | None]
    topK: NotRequired[int | None]
    maxOutputTokens: NotRequired[int | None]
    providerOptions: NotRequired[dict[str, Any] | None]
    """
    The call's own provider options by key (`openai`, `anthropic`, the SDK key or the provider
    id), in the AI SDK's spelling; merged into the body last, over the profile's defaults, the
    config's options and the reasoning variant.
    """


class ChatParamsPatch(TypedDict, closed=True):
    """
    A host's answer to `hook/chat.params`: each field present replaces the value in the output it
    was sent, `null` removes it, an absent field keeps it. `null` as the whole answer changes
    nothing. Unknown fields make the answer invalid (a typo would otherwise pass silently).
    """

    temperature: NotRequired[float | None]
    topP: NotRequired[float | None]
    topK: NotRequired[int | None]
    maxOutputTokens: NotRequired[int | None]
    providerOptions: NotRequired[dict[str, Any] | None]
    """
    Replaces the call's provider options whole.
    """


class ChatTarget(TypedDict):
    """
    A provider and model a chat call tries: the call's own, then each of its `fallbacks`.
    """

    providerId: str
    modelId: str


CheckStatus: TypeAlias = (
    Literal['ok'] | Literal['warning'] | Literal['failed'] | Literal['skipped']
)


class ClientInfo(TypedDict):
    name: str
    version: NotRequired[str | None]


ConditionOp: TypeAlias = Literal['eq', 'neq']


class ConfigHookParams(TypedDict):
    """
    The params of `hook/config`: the merged config (the sidecar's own over the imported OpenCode
    config), secrets redacted.
    """

    config: Any
    """
    OpenCode's config format (`provider`, `model`, `disabled_providers`, ...). Every value
    that may hold a credential is `"[redacted]"`: keys naming a key, token, secret, password
    or credential, every header value, and the user and password of URLs.
    """


ConfigImportParams = TypedDict(
    'ConfigImportParams',
    {
        'directory': NotRequired[str | None],
        'global': NotRequired[bool | None],
        'paths': NotRequired[list[str]],
    },
)


class ConfigPatch(TypedDict):
    """
    A host's answer to `hook/config`: an object deep-merged into the config (objects merge key by
    key, anything else replaces), or `null` for no change. A `"[redacted]"` value in it leaves the
    value it stands for as it was, so a host may send back what it was sent.
    """


ConnectionStatus: TypeAlias = Literal[
    'connected', 'disconnected', 'error', 'oauth_required'
]


class CredentialInput2(TypedDict):
    """
    A credential given for one provider; kept in memory only, wiped when the session closes.
    """

    apiKey: str


class CredentialInput3(TypedDict):
    """
    AWS access keys (Amazon Bedrock signs its requests with them: SigV4).
    """

    accessKeyId: str
    secretAccessKey: str
    sessionToken: NotRequired[str | None]


CredentialKind: TypeAlias = Literal['api', 'oauth', 'wellknown']
"""
The kind of a credential, without its secret.
"""


CredentialLocation: TypeAlias = Literal['keyring', 'file', 'env'] | Literal['config']
"""
Where `auth/status` finds the credential in use: a store (keyring or file), the environment or
the config. (The catalog's `CredentialSource` adds how a provider is connected:
by OAuth, or by a session's own credentials.)
"""


CredentialSource: TypeAlias = Literal[
    'env', 'keyring', 'file', 'config', 'oauth', 'session'
]
"""
Where a provider's credential comes from. Never the credential itself.
"""


class DataDirReport(TypedDict):
    path: str
    exists: bool
    writable: bool
    """
    A file could be created in it (or, when it does not exist yet, in its nearest parent).
    """
    mode: NotRequired[str | None]
    """
    Unix permission bits in octal, e.g. `0700`.
    """


DefaultModelSource: TypeAlias = Literal['config', 'preference', 'priority', 'none']


DiscoverResult: TypeAlias = Any
"""
An OpenRPC 1.x document (see <https://spec.open-rpc.org>).
"""


class DoctorCheck(TypedDict):
    """
    One finding, in plain words.
    """

    name: str
    """
    What was checked: `dataDir`, `credentialStore`, `catalog`, `network`, or `provider:<id>`.
    """
    status: CheckStatus
    summary: str
    """
    A sentence saying what was found and, when something is wrong, what to do.
    """


class DoctorParams(TypedDict, closed=True):
    checkReachability: NotRequired[bool]
    """
    Also check that each connected provider answers: one GET of its models endpoint, with no
    credential sent (any HTTP answer, even 401, means it is reachable).
    """
    timeoutMs: NotRequired[int | None]
    """
    How long each provider may take to answer (default 5000).
    """


DynamicHeaders: TypeAlias = Literal['copilot']
"""
Request-time header rules that depend on the body (added by `authorize_request`).
"""


FinishReason: TypeAlias = Literal[
    'stop', 'length', 'content-filter', 'tool-calls', 'error', 'other', 'unknown'
]


class HookEvent1(TypedDict):
    """
    A chat call starts (before its hooks and its first attempt).
    """

    type: Literal['chat.started']
    sessionId: str
    providerId: str
    modelId: str


class HookEvent3(TypedDict):
    """
    A chat call failed (cancellation included); `kind` is the error's `data.kind`.
    """

    type: Literal['chat.failed']
    sessionId: str
    providerId: str
    modelId: str
    kind: str
    message: str


HookPoint: TypeAlias = Literal['chat.params', 'chat.headers', 'auth', 'config']
"""
The hook points.
"""


class HostHooks(TypedDict):
    """
    `capabilities.hooks` of `initialize`. Hook names the sidecar does not know are ignored
    (`initialize`'s result lists the ones it will call).
    """

    config: NotRequired[bool]
    """
    The host answers `hook/config` (when `initialize` loads the config).
    """
    chatParams: NotRequired[bool]
    """
    The host answers `hook/chat.params`.
    """
    chatHeaders: NotRequired[bool]
    """
    The host answers `hook/chat.headers`.
    """
    event: NotRequired[bool]
    """
    The host wants `hook/event` notifications.
    """
    timeoutMs: NotRequired[int | None]
    """
    How long the sidecar waits for each hook's answer, in ms (default 5000, at most 120000).
    Past it the sidecar sends `$/cancelRequest` and applies the failure policy.
    """
    failClosed: NotRequired[bool]
    """
    A hook that fails, times out or answers garbage fails the call with `hook_failed`
    (nothing is sent upstream). By default the call goes on without the hook's change, with a
    warning in its result.
    """


ImportSkipReason: TypeAlias = Literal[
    'already_stored', 'invalid_entry', 'invalid_provider_id'
]
"""
Why an entry of the source file was not imported.
"""


ImportSource: TypeAlias = Literal['opencode']
"""
`auth/import`: which auth file to import.
"""


class ImportedSource(TypedDict):
    path: str
    scope: str
    """
    `global`, `project` or `file` (given in `paths`).
    """
    providers: list[str]
    """
    Provider ids taken from this file.
    """
    settings: list[str]
    """
    Other top-level settings taken (`model`, `small_model`, ...).
    """


class InitializationOptions(TypedDict):
    config: NotRequired[Any]
    """
    User config in OpenCode's format (`{"provider": {...}, "model": ..., ...}`).
    """
    dataDir: NotRequired[str | None]
    """
    Where the sidecar keeps its cache, preferences and credential fallback file.
    """
    logLevel: NotRequired[str | None]
    """
    A tracing filter such as `info` or `provider_sidecar=debug`.
    """


class Interleaved1(TypedDict):
    """
    `interleaved`: `true`, or the response field that carries reasoning text.
    """

    field: str


Interleaved: TypeAlias = bool | Interleaved1
"""
`interleaved`: `true`, or the response field that carries reasoning text.
"""


JsonAnswerMode: TypeAlias = Literal['schema', 'json-object', 'tool']
"""
How a JSON answer (`responseFormat: {type: "json"}`) is asked for.
"""


KeyValidationOutcome: TypeAlias = Literal[
    'valid', 'not_supported', 'unreachable', 'unexpected_status'
]
"""
How a requested validation ended (a rejected key is an error instead).
"""


class KeyValidationReport(TypedDict):
    """
    The validation part of `auth/set`'s result. Never holds the key.
    """

    outcome: KeyValidationOutcome
    endpoint: NotRequired[str | None]
    """
    The endpoint checked (without its query string).
    """
    httpStatus: NotRequired[int | None]
    """
    The HTTP status, when the endpoint answered.
    """
    warning: NotRequired[str | None]
    """
    Why the key is stored without being confirmed.
    """


class Limit(TypedDict):
    """
    Token limits; 0 means unknown.
    """

    context: NotRequired[int]
    input: NotRequired[int | None]
    output: NotRequired[int]


MatchedField: TypeAlias = Literal[
    'modelId', 'modelName', 'family', 'providerId', 'providerName', 'providerAlias'
]
"""
Which part of a document a query matched; serialized as the `matchedFields` strings.
"""


class Message1(TypedDict):
    """
    A message of the conversation; `providerOptions` (also accepted as `provider_options`, the
    spelling of earlier versions) carries per-provider options such as cache marks.
    """

    role: Literal['system']
    content: str
    providerOptions: NotRequired[dict[str, Any] | None]


Modality: TypeAlias = (
    Literal['text', 'audio', 'image', 'video', 'pdf'] | Literal['unknown']
)


class ModelCapabilities(TypedDict):
    text: bool
    """
    Reads and writes text.
    """
    vision: bool
    """
    Accepts images.
    """
    tools: bool
    """
    Calls tools.
    """
    reasoning: bool
    """
    Reasons (thinking tokens).
    """
    plan: bool
    """
    Can drive an agent's plan (text out and tool calls).
    """


class ModelGetParams(TypedDict):
    providerId: str
    modelId: str


class ModelModalities(TypedDict):
    input: list[Modality]
    output: list[Modality]


ModelOrigin: TypeAlias = (
    Literal['catalog', 'config'] | Literal['mode'] | Literal['discovered']
)
"""
Where a model's definition comes from.
"""


class ModelRef(TypedDict):
    providerId: str
    modelId: str
    id: str
    """
    `"<providerId>/<modelId>"`.
    """


ModelStatus: TypeAlias = Literal['active', 'alpha', 'beta', 'deprecated', 'unknown']


class NetworkReport(TypedDict):
    proxy: NotRequired[str | None]
    """
    The proxy in force, its user name and password masked.
    """
    proxyFrom: NotRequired[str | None]
    """
    Where the proxy comes from: `network.proxy` or an environment variable's name.
    """
    noProxy: NotRequired[str | None]
    caCertificates: list[CaFileReport]


class NoParams(TypedDict):
    """
    Params of a method that takes none; any object (or no params) is accepted.
    """


class OAuthCallbackResult(TypedDict):
    status: CallbackStatus


OAuthFlowMethod: TypeAlias = Literal['auto', 'code']


OAuthTag: TypeAlias = Literal['oauth']


class OkResult(TypedDict):
    ok: bool


class Part1(TypedDict):
    """
    One message part; also the parts of a final result's `content`, so a result can be sent back as an
    assistant message and its reasoning signatures round-trip.
    """

    type: Literal['text']
    text: str
    providerOptions: NotRequired[dict[str, Any] | None]


class Part2(TypedDict):
    """
    `image` is base64 data, a `data:` URL or an http(s) URL.
    """

    type: Literal['image']
    image: str
    mediaType: NotRequired[str | None]
    providerOptions: NotRequired[dict[str, Any] | None]


class Part3(TypedDict):
    """
    `data` is base64 data, a `data:` URL or an http(s) URL.
    """

    type: Literal['file']
    data: str
    mediaType: str
    filename: NotRequired[str | None]
    providerOptions: NotRequired[dict[str, Any] | None]


class Part4(TypedDict):
    """
    `providerOptions` carries what the provider needs to accept it back: `anthropic.signature` /
    `anthropic.redactedData`, `openai.itemId` / `openai.reasoningEncryptedContent`,
    `google.thoughtSignature`, `bedrock.signature` / `bedrock.redactedData`.
    """

    type: Literal['reasoning']
    text: str
    providerOptions: NotRequired[dict[str, Any] | None]


class Part5(TypedDict):
    """
    One message part; also the parts of a final result's `content`, so a result can be sent back as an
    assistant message and its reasoning signatures round-trip.
    """

    type: Literal['tool-call']
    toolCallId: str
    toolName: str
    input: Any
    providerExecuted: NotRequired[bool | None]
    """
    True for tools the provider ran itself (e.g. Anthropic web search).
    """
    providerOptions: NotRequired[dict[str, Any] | None]


class Part6(TypedDict):
    """
    `output` is a string, any JSON value, or an AI SDK typed output (`{type: "text" | "json" |
    "error-text" | "error-json" | "content", value}`).
    """

    type: Literal['tool-result']
    toolCallId: str
    toolName: str
    output: Any
    providerExecuted: NotRequired[bool | None]
    providerOptions: NotRequired[dict[str, Any] | None]


class Part7(TypedDict):
    """
    A cited source (results only; ignored when sent back): `sourceType` `url` (a web page)
    or `document` (a file, with its media type and name where the provider gives them).
    """

    type: Literal['source']
    sourceType: str
    id: str
    url: NotRequired[str | None]
    title: NotRequired[str | None]
    mediaType: NotRequired[str | None]
    filename: NotRequired[str | None]
    providerOptions: NotRequired[dict[str, Any] | None]


Part: TypeAlias = Part1 | Part2 | Part3 | Part4 | Part5 | Part6 | Part7
"""
One message part; also the parts of a final result's `content`, so a result can be sent back as an
assistant message and its reasoning signatures round-trip.
"""


class Preferences(TypedDict):
    selectedProviderId: NotRequired[str | None]
    selectedModelId: NotRequired[str | None]
    hybridEnabled: NotRequired[bool]
    hybridVisionProviderId: NotRequired[str | None]
    hybridVisionModelId: NotRequired[str | None]
    updatedAt: NotRequired[str]
    """
    RFC 3339; when nothing was ever stored, the time of the read.
    """


class PreferencesUpdate(TypedDict):
    """
    A partial update: an absent field keeps its value, `null` clears it.
    """

    selectedProviderId: NotRequired[str | None]
    selectedModelId: NotRequired[str | None]
    hybridEnabled: NotRequired[bool | None]
    hybridVisionProviderId: NotRequired[str | None]
    hybridVisionModelId: NotRequired[str | None]


ProgressToken: TypeAlias = int | str
"""
An LSP progress token.
"""


class PromptCondition(TypedDict):
    """
    Show the prompt only when another prompt's answer equals (`eq`) or differs from (`neq`) `value`.
    """

    key: str
    op: ConditionOp
    value: str


class PromptOption(TypedDict):
    label: str
    value: str
    hint: NotRequired[str | None]


class ProviderAuth(TypedDict):
    kind: AuthKind


class ProviderCatalogItem(TypedDict):
    id: str
    name: str
    aliases: list[str]
    authMethods: list[Any]
    """
    `AuthMethodDescriptor[]` from the auth layer.
    """
    connected: bool
    modelCount: int
    popular: bool
    supported: NotRequired[bool | None]
    note: NotRequired[str | None]
    env: list[str]
    credentialSource: NotRequired[CredentialSource | None]
    npm: str
    apiUrl: NotRequired[str | None]
    doc: NotRequired[str | None]


class ProviderCatalogResult(TypedDict):
    providers: list[ProviderCatalogItem]


class ProviderGetParams(TypedDict):
    providerId: str


ProviderOrigin: TypeAlias = Literal['catalog', 'config', 'custom']
"""
Where a provider's definition comes from.
"""


class ProviderSearchHit(TypedDict):
    providerId: str
    name: str
    aliases: list[str]
    connected: bool
    modelCount: int
    score: float
    matchedFields: list[MatchedField]


class ProviderSearchParams(TypedDict):
    """
    Params of `provider/search`.
    """

    query: NotRequired[str]
    limit: NotRequired[int | None]


class ProviderSearchResult(TypedDict):
    results: list[ProviderSearchHit]


class Reachability(TypedDict):
    url: NotRequired[str | None]
    """
    The endpoint tried (without any query string); absent when none is known.
    """
    reachable: bool
    status: NotRequired[int | None]
    """
    The HTTP status it answered with.
    """
    elapsedMs: int
    error: NotRequired[str | None]


class ReasoningOption1(TypedDict):
    """
    Reasoning can be switched on and off.
    """

    type: Literal['toggle']


class ReasoningOption2(TypedDict):
    """
    Named effort levels; `null` stands for "no reasoning".
    """

    type: Literal['effort']
    values: NotRequired[list[str | None]]


class ReasoningOption3(TypedDict):
    """
    A token budget for thinking (`min` may be -1, "dynamic", on some providers).
    """

    type: Literal['budget_tokens']
    min: NotRequired[int | None]
    max: NotRequired[int | None]


class ReasoningOption4(TypedDict):
    """
    A kind this version does not know.
    """

    type: Literal['unknown']


ReasoningOption: TypeAlias = (
    ReasoningOption1 | ReasoningOption2 | ReasoningOption3 | ReasoningOption4
)
"""
How a model's reasoning can be controlled.
"""


class RefreshCatalogParams(TypedDict):
    force: NotRequired[bool | None]
    """
    Fetch even when the served catalog is younger than the TTL (default true).
    """
    workDoneToken: NotRequired[ProgressToken | None]
    """
    Token for the `$/progress` notifications; one is generated when absent.
    """


RefreshOutcome: TypeAlias = Literal['updated', 'unchanged', 'skipped']


class RefreshResult(TypedDict):
    """
    `catalog/refresh` result.
    """

    outcome: RefreshOutcome
    diff: NotRequired[CatalogDiff | None]
    """
    Present when the served catalog changed; the RPC layer sends it as `catalog/changed`.
    """
    status: CatalogStatus


class RemoveParams(TypedDict):
    """
    `auth/remove`: one account, or every account of the provider when `account` is omitted.
    """

    providerId: str
    account: NotRequired[str | None]


class ResponseFormat1(TypedDict):
    """
    The form of the answer: free text (the default), or JSON, constrained by `schema` where the
    model can be (`name` and `description` go with the schema where the API takes them). How each
    API is asked, and what a model without structured output gets instead, is in
    `docs/call-options.md`.
    """

    type: Literal['text']


class ResponseFormat2(TypedDict):
    """
    The form of the answer: free text (the default), or JSON, constrained by `schema` where the
    model can be (`name` and `description` go with the schema where the API takes them). How each
    API is asked, and what a model without structured output gets instead, is in
    `docs/call-options.md`.
    """

    type: Literal['json']
    schema: NotRequired[Any]
    """
    A JSON Schema object the answer must match.
    """
    name: NotRequired[str | None]
    description: NotRequired[str | None]


ResponseFormat: TypeAlias = ResponseFormat1 | ResponseFormat2
"""
The form of the answer: free text (the default), or JSON, constrained by `schema` where the
model can be (`name` and `description` go with the schema where the API takes them). How each
API is asked, and what a model without structured output gets instead, is in
`docs/call-options.md`.
"""


class ResponseFormatPlan(TypedDict):
    """
    How a call's JSON answer is asked for, as `transform/preview` shows it.
    """

    mode: JsonAnswerMode
    reason: str
    """
    Why this mode: what the catalog says of the model, or what the call gave.
    """


class ResponseInfo(TypedDict):
    id: NotRequired[str | None]
    modelId: NotRequired[str | None]


class RetryPolicy(TypedDict):
    """
    Bounded retries before the first streamed byte.
    """

    maxRetries: NotRequired[int]
    """
    Retries after the first attempt (0 disables retrying).
    """
    baseDelayMs: NotRequired[int]
    maxDelayMs: NotRequired[int]
    """
    Cap of the exponential delay.
    """
    maxRetryAfterMs: NotRequired[int]
    """
    A provider asking to wait longer than this is not retried: the failure goes back to the caller with
    its retry-after.
    """


RuntimeProtocol: TypeAlias = Literal[
    'anthropic', 'openai-responses', 'openai-chat', 'gemini', 'bedrock', 'cohere', 'zai'
]
"""
Which wire protocol a model is called with, as its provider profile decides it (the catalog's
`protocol` of a model and the runtime's alike). `zai` is OpenAI chat with Z.AI's own loader.
"""


class SearchFilters(TypedDict):
    """
    Restrictions applied before ranking.
    """

    providerId: NotRequired[str | None]
    toolCall: NotRequired[bool | None]
    reasoning: NotRequired[bool | None]
    vision: NotRequired[bool | None]
    minContext: NotRequired[int | None]
    connectedOnly: NotRequired[bool]


Secret: TypeAlias = str
"""
A secret value (API key, token). Serializes as its plain value, so it belongs only in
stored records and request params, never in result types.
"""


class SelectAccountParams(TypedDict):
    """
    Choose which stored account a provider uses.
    """

    providerId: str
    account: str


class ServerCapabilities(TypedDict):
    methods: list[str]
    """
    Every method this sidecar answers.
    """
    notifications: list[str]
    """
    Notifications the sidecar may send.
    """
    framings: list[str]
    """
    Framings accepted on stdin: `lsp` (Content-Length headers) and `line` (newline-delimited).
    """
    maxMessageBytes: int
    """
    Messages larger than this are rejected.
    """
    cancellation: bool
    """
    `$/cancelRequest` is honoured for every request.
    """
    dataDir: str
    """
    The data dir in use.
    """
    hooks: list[str]
    """
    The host hooks the sidecar will call, from `capabilities.hooks` (`hook/chat.params`,
    `hook/chat.headers`, `hook/event`).
    """


class ServerInfo(TypedDict):
    name: str
    version: str


class SessionCloseParams(TypedDict):
    sessionId: str


class SessionCloseResult(TypedDict):
    closed: bool


class SessionInfo(TypedDict):
    """
    What `session/list` shows of a session: names only, never values.
    """

    sessionId: str
    credentialProviders: list[str]
    """
    Providers the session holds a credential for.
    """
    envNames: list[str]
    """
    Names of the session's env overlay variables.
    """
    headerNames: list[str]
    configProviders: list[str]
    """
    Provider ids of the session's config overlay.
    """
    accounts: NotRequired[dict[str, str]]
    """
    Provider id → the stored account the session uses instead of the active one.
    """


class SessionListResult(TypedDict):
    sessions: list[SessionInfo]


class SetKeyResult(TypedDict):
    """
    `auth/set`: `{ok: true}`, plus how the validation went when it was asked for.
    """

    ok: bool
    validation: NotRequired[KeyValidationReport | None]
    warning: NotRequired[str | None]
    """
    Set when the key was stored without being confirmed (the validation's warning).
    """


class SetParams(TypedDict):
    """
    `auth/set`: store an API key (optionally as a named account, validated first).
    """

    providerId: str
    token: Secret
    account: NotRequired[str | None]
    """
    Account name; `default` when omitted.
    """
    label: NotRequired[str | None]
    activate: NotRequired[bool | None]
    """
    Make this the provider's active account (default true).
    """
    metadata: NotRequired[dict[str, str]]
    """
    Extra non-secret values kept with the key (OpenCode's `metadata`, e.g. Azure `resourceName`).
    """
    validate: NotRequired[bool | None]
    """
    Check the key against the provider's models endpoint first: a key it rejects (401/403)
    fails with `auth_failed` and is not stored; one it cannot check is stored with a warning.
    """


class SkippedConfig(TypedDict):
    path: str
    key: str
    """
    The top-level key, or `provider.<id>`.
    """
    reason: str


class SkippedImport(TypedDict):
    providerId: str
    reason: ImportSkipReason


StoreKind: TypeAlias = Literal['keyring', 'file']
"""
Where a credential is kept.
"""


StoreMode: TypeAlias = Literal['auto', 'keyring', 'file']
"""
Which backend to use; `auto` takes the keyring when it answers, else the file.
"""


class StreamError(TypedDict):
    """
    The error carried by an `error` stream part (see [`crate::protocol::error::ProviderFailure`]).
    """

    kind: str
    """
    `rate_limited`, `context_overflow`, `auth`, `bad_request`, `provider_server`, `stream_interrupted`.
    """
    message: str
    status: NotRequired[int | None]
    retryable: bool
    retryAfterMs: NotRequired[int | None]


class StreamPart1(TypedDict):
    """
    One normalized stream part (a `chat/delta` notification's `part`).
    """

    type: Literal['text-start']
    id: str
    providerMetadata: NotRequired[dict[str, Any] | None]


class StreamPart2(TypedDict):
    """
    One normalized stream part (a `chat/delta` notification's `part`).
    """

    type: Literal['text-delta']
    id: str
    delta: str


class StreamPart3(TypedDict):
    """
    One normalized stream part (a `chat/delta` notification's `part`).
    """

    type: Literal['text-end']
    id: str
    providerMetadata: NotRequired[dict[str, Any] | None]


class StreamPart4(TypedDict):
    """
    One normalized stream part (a `chat/delta` notification's `part`).
    """

    type: Literal['reasoning-start']
    id: str
    providerMetadata: NotRequired[dict[str, Any] | None]


class StreamPart5(TypedDict):
    """
    One normalized stream part (a `chat/delta` notification's `part`).
    """

    type: Literal['reasoning-delta']
    id: str
    delta: str


class StreamPart6(TypedDict):
    """
    Carries the signature / encrypted content once the provider sent it.
    """

    type: Literal['reasoning-end']
    id: str
    providerMetadata: NotRequired[dict[str, Any] | None]


class StreamPart7(TypedDict):
    """
    One normalized stream part (a `chat/delta` notification's `part`).
    """

    type: Literal['tool-input-start']
    id: str
    toolName: str
    providerExecuted: NotRequired[bool | None]


class StreamPart8(TypedDict):
    """
    One normalized stream part (a `chat/delta` notification's `part`).
    """

    type: Literal['tool-input-delta']
    id: str
    delta: str


class StreamPart9(TypedDict):
    """
    One normalized stream part (a `chat/delta` notification's `part`).
    """

    type: Literal['tool-input-end']
    id: str


class StreamPart10(TypedDict):
    """
    A complete tool call with its parsed input.
    """

    type: Literal['tool-call']
    toolCallId: str
    toolName: str
    input: Any
    providerExecuted: NotRequired[bool | None]
    providerMetadata: NotRequired[dict[str, Any] | None]


class StreamPart11(TypedDict):
    """
    The result of a provider-executed tool (e.g. Anthropic's web search).
    """

    type: Literal['tool-result']
    toolCallId: str
    toolName: str
    output: Any
    providerExecuted: bool


class StreamPart12(TypedDict):
    """
    A cited source: `url` (a web page) or `document` (a file).
    """

    type: Literal['source']
    sourceType: str
    id: str
    url: NotRequired[str | None]
    title: NotRequired[str | None]
    mediaType: NotRequired[str | None]
    filename: NotRequired[str | None]
    providerMetadata: NotRequired[dict[str, Any] | None]


class StreamPart15(TypedDict):
    """
    One normalized stream part (a `chat/delta` notification's `part`).
    """

    type: Literal['error']
    error: StreamError


class StreamPart16(TypedDict):
    """
    An event the parser does not know, passed through as received.
    """

    type: Literal['raw']
    rawValue: Any


class TierThreshold(TypedDict):
    type: NotRequired[str]
    """
    `context` (the only kind so far).
    """
    size: NotRequired[int]


class Timeouts(TypedDict):
    """
    Timeouts in milliseconds; the defaults are generous for slow local models, and 0 disables one.
    """

    connectMs: NotRequired[int]
    """
    TCP + TLS connect (applied by [`build_client`]).
    """
    firstByteMs: NotRequired[int]
    """
    From sending the request to the first byte of the response body.
    """
    idleMs: NotRequired[int]
    """
    Longest silence between two body chunks.
    """


class ToolChoice1(TypedDict):
    """
    `"auto" | "none" | "required" | {toolName}`.
    """

    toolName: str


ToolChoiceMode: TypeAlias = Literal['auto', 'none', 'required']


ToolKind: TypeAlias = Literal['function', 'provider-defined']
"""
Who runs a tool.
"""


class Usage(TypedDict):
    inputTokens: int
    outputTokens: int
    reasoningTokens: int
    cachedInputTokens: int
    cacheWriteTokens: int


WireFormat: TypeAlias = Literal[
    'openai-chat', 'openai-responses', 'anthropic', 'gemini', 'bedrock', 'cohere'
]
"""
The provider wire formats the sidecar speaks.
"""


class WorkDoneProgress1(TypedDict):
    """
    The first step, with the work's title.
    """

    kind: Literal['begin']
    title: str
    cancellable: NotRequired[bool | None]
    message: NotRequired[str | None]
    percentage: NotRequired[int | None]
    providerId: NotRequired[str]
    authorizationId: NotRequired[str]
    attempt: NotRequired[int]


class WorkDoneProgress2(TypedDict):
    """
    A step on the way.
    """

    kind: Literal['report']
    message: NotRequired[str | None]
    percentage: NotRequired[int | None]
    providerId: NotRequired[str]
    authorizationId: NotRequired[str]
    attempt: NotRequired[int]


class WorkDoneProgress3(TypedDict):
    """
    The work is over (done, failed or abandoned).
    """

    kind: Literal['end']
    message: NotRequired[str | None]


WorkDoneProgress: TypeAlias = WorkDoneProgress1 | WorkDoneProgress2 | WorkDoneProgress3
"""
One step: `begin` first, then `report`s, then `end`.
"""


class CatalogRefreshParams(TypedDict):
    """
    Params of `catalog/refresh`.
    """

    force: NotRequired[bool | None]
    """
    Fetch even when the served catalog is younger than the TTL (default true).
    """
    workDoneToken: NotRequired[ProgressToken | None]
    """
    Token for the `$/progress` notifications; one is generated when absent.
    """


class PreferencesUpdateParams(TypedDict):
    """
    Params of `preferences/update`.
    """

    selectedProviderId: NotRequired[str | None]
    selectedModelId: NotRequired[str | None]
    hybridEnabled: NotRequired[bool | None]
    hybridVisionProviderId: NotRequired[str | None]
    hybridVisionModelId: NotRequired[str | None]


class AuthSetParams(TypedDict):
    """
    Params of `auth/set`.
    """

    providerId: str
    token: Secret
    account: NotRequired[str | None]
    """
    Account name; `default` when omitted.
    """
    label: NotRequired[str | None]
    activate: NotRequired[bool | None]
    """
    Make this the provider's active account (default true).
    """
    metadata: NotRequired[dict[str, str]]
    """
    Extra non-secret values kept with the key (OpenCode's `metadata`, e.g. Azure `resourceName`).
    """
    validate: NotRequired[bool | None]
    """
    Check the key against the provider's models endpoint first: a key it rejects (401/403)
    fails with `auth_failed` and is not stored; one it cannot check is stored with a warning.
    """


class AuthRemoveParams(TypedDict):
    """
    Params of `auth/remove`.
    """

    providerId: str
    account: NotRequired[str | None]


class AuthAccountsSelectParams(TypedDict):
    """
    Params of `auth/accounts/select`.
    """

    providerId: str
    account: str


class AuthOauthAuthorizeParams(TypedDict):
    """
    Params of `auth/oauth/authorize`.
    """

    providerId: str
    method: int
    """
    Index into the provider's `auth/methods` list.
    """
    inputs: NotRequired[dict[str, Any] | None]
    """
    Answers to the method's prompts, by prompt key.
    """
    account: NotRequired[str | None]
    """
    Account name to store the result under; `default` when omitted.
    """
    workDoneToken: NotRequired[Any]
    """
    Token of the `$/progress` notifications sent while a device flow waits; the
    authorization id when omitted.
    """


class AuthOauthCallbackParams(TypedDict):
    """
    Params of `auth/oauth/callback`.
    """

    providerId: str
    method: int
    authorizationId: str
    code: NotRequired[Secret | None]


class AuthImportParams(TypedDict):
    """
    Params of `auth/import`.
    """

    source: NotRequired[ImportSource | None]
    """
    `opencode` (the default).
    """
    path: NotRequired[str | None]
    """
    Absolute path of the file; OpenCode's own location under the XDG data home
    (`$XDG_DATA_HOME/opencode/auth.json`, else `~/.local/share/opencode/auth.json`) when omitted.
    """
    overwrite: NotRequired[bool | None]
    """
    Replace credentials already stored for a provider (default false: keep them).
    """


class DoctorReportParams(TypedDict):
    """
    Params of `doctor/report`.
    """

    checkReachability: NotRequired[bool]
    """
    Also check that each connected provider answers: one GET of its models endpoint, with no
    credential sent (any HTTP answer, even 401, means it is reachable).
    """
    timeoutMs: NotRequired[int | None]
    """
    How long each provider may take to answer (default 5000).
    """


class AccountSummary(TypedDict):
    name: str
    kind: CredentialKind
    label: NotRequired[str | None]
    active: bool
    needsReauth: bool
    updatedAt: str


class AuthPrompt1(TypedDict):
    type: Literal['text']
    key: str
    message: str
    placeholder: NotRequired[str | None]
    when: NotRequired[PromptCondition | None]


class AuthPrompt2(TypedDict):
    type: Literal['select']
    key: str
    message: str
    options: list[PromptOption]
    when: NotRequired[PromptCondition | None]


AuthPrompt: TypeAlias = AuthPrompt1 | AuthPrompt2


class CallOptionSupport(TypedDict):
    """
    The AI SDK call options the model's API takes (`docs/call-options.md`), so a host can grey out
    what a call would be refused for.
    """

    jsonAnswer: JsonAnswerMode
    """
    How `responseFormat: {type: "json", schema}` is honoured: `schema` (the API enforces it),
    `json-object` (the API's JSON mode, the schema not enforced) or `tool` (a forced `json`
    tool whose input is the answer).
    """
    seed: bool
    presencePenalty: bool
    frequencyPenalty: bool
    providerTools: list[str]
    """
    Ids of the provider-defined tools the model's API offers (none when the model calls no
    tools).
    """


class CallbackParams(TypedDict):
    """
    `auth/oauth/callback`.
    """

    providerId: str
    method: int
    authorizationId: str
    code: NotRequired[Secret | None]


class CatalogReport(TypedDict):
    source: NotRequired[CatalogSource | None]
    """
    `embedded`, `cache` or `remote`; absent when the catalog could not be served.
    """
    fetchedAt: NotRequired[str | None]
    """
    RFC 3339; absent for the embedded snapshot.
    """
    ageMinutes: NotRequired[int | None]
    providerCount: int
    modelCount: int
    url: str
    """
    Where refreshes come from (without any query string).
    """
    fetchEnabled: bool
    lastError: NotRequired[str | None]


class ChatResult(TypedDict):
    """
    The final result of a chat call.
    """

    content: list[Part]
    finishReason: FinishReason
    usage: Usage
    cost: NotRequired[float | None]
    """
    Filled by the session layer from catalog prices; the wire layer leaves it empty.
    """
    response: ResponseInfo
    providerMetadata: NotRequired[dict[str, Any] | None]
    warnings: NotRequired[list[CallWarning]]
    """
    What did not stop the call but left part of it undone (the AI SDK's `warnings`).
    """


class ClientCapabilities(TypedDict):
    """
    The documented part of `initialize`'s `capabilities` (other keys are accepted and kept).
    The schema only: `capabilities` is read as JSON, so that a host's own keys never fail
    `initialize` (`host_hooks::parse_declaration` reads `hooks`).
    """

    hooks: NotRequired[HostHooks | None]
    """
    The plugin hooks the host implements: the sidecar calls them as server→client requests
    (`hook/chat.params`, `hook/chat.headers`) and sends `hook/event` notifications.
    """


class ConfigImportReport(TypedDict):
    """
    What an import read, took and left; names and keys only, never a value.
    """

    storedAt: NotRequired[str | None]
    """
    Where the imported config is kept; `null` when nothing was found (a previous import stays).
    """
    sources: list[ImportedSource]
    """
    The files read, in merge order (later ones win).
    """
    skipped: list[SkippedConfig]
    """
    Keys and providers left out, with why.
    """
    notFound: list[str]
    """
    Candidate files that do not exist.
    """


Content: TypeAlias = str | list[Part]
"""
A message body: a plain string or a list of parts.
"""


class CostTier(TypedDict):
    """
    Prices that apply past a threshold (today always a context size).
    """

    input: NotRequired[float]
    output: NotRequired[float]
    cache_read: NotRequired[float | None]
    cache_write: NotRequired[float | None]
    input_audio: NotRequired[float | None]
    output_audio: NotRequired[float | None]
    tier: NotRequired[TierThreshold]


class CredentialInput1(TypedDict):
    """
    A credential given for one provider; kept in memory only, wiped when the session closes.
    """

    type: OAuthTag
    """
    Always `"oauth"`.
    """
    access: str
    refresh: NotRequired[str | None]
    expires: NotRequired[int | None]
    """
    Expiry in milliseconds since the epoch.
    """


CredentialInput: TypeAlias = CredentialInput1 | CredentialInput2 | CredentialInput3
"""
A credential given for one provider; kept in memory only, wiped when the session closes.
"""


class CredentialStoreReport(TypedDict):
    kind: NotRequired[StoreKind | None]
    """
    `keyring`, `file`, or absent when the store could not be opened.
    """
    configured: StoreMode
    """
    What the config asks for (`auto` unless `auth.store` says otherwise).
    """
    reason: str
    """
    Why this store is the one in use.
    """
    file: NotRequired[str | None]
    """
    The credential file, when the file store is in use.
    """
    fileMode: NotRequired[str | None]
    """
    The credential file's permission bits in octal (`0600` expected).
    """


class DefaultModelResult(TypedDict):
    model: NotRequired[ModelRef | None]
    source: DefaultModelSource
    smallModel: NotRequired[ModelRef | None]
    """
    Model for small tasks (titles, summaries).
    """


class HookChange(TypedDict):
    """
    What one plugin's hook changed (shown by `transform/preview`).
    """

    plugin: str
    hook: HookPoint
    changed: list[str]
    """
    The output fields (`temperature`, `providerOptions`, ...) or header names it changed.
    """


class HookEvent2(TypedDict):
    """
    A chat call answered (the provider and model asked for; a fallback may have answered).
    """

    type: Literal['chat.finished']
    sessionId: str
    providerId: str
    modelId: str
    finishReason: FinishReason
    usage: Usage
    cost: NotRequired[float | None]


HookEvent: TypeAlias = HookEvent1 | HookEvent2 | HookEvent3
"""
One event. The stream's own parts are `chat/delta` notifications already; events mark a
call's start and end.
"""


class HookEventParams(TypedDict):
    """
    The params of the `hook/event` notification.
    """

    event: HookEvent


class HookModel(TypedDict):
    """
    The model a call resolved to.
    """

    providerId: str
    modelId: str
    """
    The model's key under its provider (what the caller selected).
    """
    apiModelId: str
    """
    The id sent upstream.
    """
    wireFormat: WireFormat
    """
    The wire format the call speaks.
    """
    npm: str
    """
    The AI SDK package the catalog names for the model (`@ai-sdk/anthropic`, ...).
    """


class ImportParams(TypedDict):
    """
    `auth/import` params. Nothing is imported unless asked: the sidecar never imports by itself.
    """

    source: NotRequired[ImportSource | None]
    """
    `opencode` (the default).
    """
    path: NotRequired[str | None]
    """
    Absolute path of the file; OpenCode's own location under the XDG data home
    (`$XDG_DATA_HOME/opencode/auth.json`, else `~/.local/share/opencode/auth.json`) when omitted.
    """
    overwrite: NotRequired[bool | None]
    """
    Replace credentials already stored for a provider (default false: keep them).
    """


class ImportReport(TypedDict):
    """
    Result of an import: provider ids and reasons, never a credential.
    """

    path: str
    """
    The file read (it is never written).
    """
    imported: list[str]
    """
    Providers whose credential was stored (as their `default` account).
    """
    skipped: list[SkippedImport]
    store: StoreKind
    """
    The store the credentials went to.
    """


class InitializeParams(TypedDict):
    processId: NotRequired[int | None]
    """
    The host's process id. The sidecar checks every quarter second that this process still
    runs and exits when it does not (as if `exit` had come), even while its stdin stays open.
    Null when the sidecar cannot see the host's processes (e.g. another pid namespace).
    """
    clientInfo: NotRequired[ClientInfo | None]
    capabilities: NotRequired[ClientCapabilities | None]
    """
    The host's capabilities: `hooks` declares the plugin hooks it implements (see
    `HostHooks` and docs/hooks.md); other keys are kept for later negotiation.
    """
    initializationOptions: NotRequired[InitializationOptions | None]


class InitializeResult(TypedDict):
    serverInfo: ServerInfo
    capabilities: ServerCapabilities
    catalog: NotRequired[CatalogStatus | None]
    """
    The served catalog, when it has finished loading (`initialize` never waits for it).
    """


class Message2(TypedDict):
    """
    A message of the conversation; `providerOptions` (also accepted as `provider_options`, the
    spelling of earlier versions) carries per-provider options such as cache marks.
    """

    role: Literal['user']
    content: Content
    providerOptions: NotRequired[dict[str, Any] | None]


class Message3(TypedDict):
    """
    A message of the conversation; `providerOptions` (also accepted as `provider_options`, the
    spelling of earlier versions) carries per-provider options such as cache marks.
    """

    role: Literal['assistant']
    content: Content
    providerOptions: NotRequired[dict[str, Any] | None]


class Message4(TypedDict):
    """
    A message of the conversation; `providerOptions` (also accepted as `provider_options`, the
    spelling of earlier versions) carries per-provider options such as cache marks.
    """

    role: Literal['tool']
    content: list[Part]
    providerOptions: NotRequired[dict[str, Any] | None]


Message: TypeAlias = Message1 | Message2 | Message3 | Message4
"""
A message of the conversation; `providerOptions` (also accepted as `provider_options`, the
spelling of earlier versions) carries per-provider options such as cache marks.
"""


class ModelListParams(TypedDict):
    providerId: NotRequired[str | None]
    """
    Only this provider's models.
    """
    capabilities: NotRequired[list[Capability]]
    """
    Models must have every one of these.
    """
    status: NotRequired[list[ModelStatus] | None]
    """
    Allowed statuses; default `active` and `beta` (alpha and deprecated hidden, as OpenCode does).
    """
    connected: NotRequired[bool | None]
    """
    `true`: only connected providers' models; `false`: only unconnected ones.
    """


class ModelSearchParams(TypedDict):
    query: NotRequired[str]
    """
    What the user typed: typos, versions without separators ("gpt5", "sonnet45"), a
    provider name or alias ("openrouter qwen coder", "kimi"), a half-typed last word.
    """
    limit: NotRequired[int | None]
    """
    At most this many results (default 20, at most 500).
    """
    filters: NotRequired[SearchFilters | None]


class OAuthAuthorizeResult(TypedDict):
    providerId: str
    authorizationId: str
    url: str
    method: OAuthFlowMethod
    instructions: str


class ProgressParams(TypedDict):
    """
    The params of a `$/progress` notification: the token the request named (or one the sidecar
    made up) and one step of the work.
    """

    token: ProgressToken
    value: WorkDoneProgress


class ProviderAuthState(TypedDict):
    """
    One provider's credential state (the desktop's `ProviderAuthState`, plus detail).
    """

    providerId: str
    status: ConnectionStatus
    method: AuthMethodType
    accountLabel: NotRequired[str | None]
    updatedAt: str
    """
    RFC 3339; the stored record's time, or now when nothing is stored.
    """
    source: NotRequired[CredentialLocation | None]
    envVar: NotRequired[str | None]
    """
    The environment variable providing the credential, when `source` is `env`.
    """
    activeAccount: NotRequired[str | None]
    accounts: list[AccountSummary]


class ProviderDescriptor(TypedDict):
    id: str
    name: str
    env: list[str]
    """
    Environment variables that can carry the provider's key.
    """
    api: bool
    """
    Whether a base URL is known (from models.dev, config `api` or `options.baseURL`).
    """
    models: bool
    """
    Whether the provider has at least one model.
    """
    auth: ProviderAuth
    connected: bool
    credentialSource: NotRequired[CredentialSource | None]
    npm: str
    apiUrl: NotRequired[str | None]
    doc: NotRequired[str | None]
    origin: ProviderOrigin
    modelCount: int
    supported: bool
    """
    `false` when the provider needs a client this sidecar does not have.
    """
    note: NotRequired[str | None]


class ProviderListResult(TypedDict):
    providers: list[ProviderDescriptor]


class ProviderReport(TypedDict):
    providerId: str
    credentialSource: NotRequired[CredentialLocation | None]
    """
    Where its credential comes from: `keyring`, `file`, `oauth`, `env`, `config`.
    """
    envVar: NotRequired[str | None]
    """
    The environment variable holding the credential, when it comes from the environment.
    """
    reachability: NotRequired[Reachability | None]
    """
    Present when reachability was checked.
    """


class RuntimePreview(TypedDict):
    """
    A redacted, serializable view of a [`ResolvedRuntime`] for `transform/preview` and logs.
    """

    providerId: str
    protocol: RuntimeProtocol
    baseUrl: str
    chatUrl: str
    headers: dict[str, str]
    auth: AuthPreview
    defaultOptions: dict[str, Any]
    wireModelId: str
    modelInBody: bool
    dynamicHeaders: NotRequired[DynamicHeaders | None]


class SessionOptions(TypedDict):
    """
    Defaults for every chat call of a session.
    """

    providerOptions: NotRequired[dict[str, Any] | None]
    """
    Merged under each call's `providerOptions`.
    """
    timeouts: NotRequired[Timeouts | None]
    retry: NotRequired[RetryPolicy | None]


class StreamPart13(TypedDict):
    """
    One normalized stream part (a `chat/delta` notification's `part`).
    """

    type: Literal['usage']
    usage: Usage


class StreamPart14(TypedDict):
    """
    One normalized stream part (a `chat/delta` notification's `part`).
    """

    type: Literal['finish']
    finishReason: FinishReason
    usage: Usage
    providerMetadata: NotRequired[dict[str, Any] | None]


StreamPart: TypeAlias = (
    StreamPart1
    | StreamPart2
    | StreamPart3
    | StreamPart4
    | StreamPart5
    | StreamPart6
    | StreamPart7
    | StreamPart8
    | StreamPart9
    | StreamPart10
    | StreamPart11
    | StreamPart12
    | StreamPart13
    | StreamPart14
    | StreamPart15
    | StreamPart16
)
"""
One normalized stream part (a `chat/delta` notification's `part`).
"""


class Tool(TypedDict):
    """
    A tool the model may call: a function tool (`{name, description?, inputSchema}`), or a
    provider-defined one (`{type: "provider-defined", id, name, args?}`, as the AI SDK's).
    """

    type: NotRequired[ToolKind]
    name: str
    """
    The name the model's calls of the tool come back under.
    """
    description: NotRequired[str | None]
    inputSchema: NotRequired[Any]
    """
    A JSON Schema object (function tools).
    """
    id: NotRequired[str | None]
    """
    A provider-defined tool's id, `<provider>.<tool>` (e.g. `anthropic.web_search_20250305`,
    `openai.web_search`, `google.google_search`; `docs/call-options.md` lists them).
    """
    args: NotRequired[dict[str, Any] | None]
    """
    A provider-defined tool's settings in the AI SDK's spelling (e.g. `{maxUses: 3}`).
    """


ToolChoice: TypeAlias = ToolChoiceMode | ToolChoice1
"""
`"auto" | "none" | "required" | {toolName}`.
"""


class TransformPreview(TypedDict):
    """
    What `chat/*` with the same params would send first (fallbacks are not shown).
    """

    method: str
    url: str
    headers: dict[str, str]
    """
    Every header of the request, auth included, with credential values replaced by `[redacted]`.
    """
    body: Any
    """
    The JSON body exactly as sent.
    """
    runtime: RuntimePreview
    """
    The loader's resolved runtime (protocol, base URL, auth scheme, default options).
    """
    credentialSource: str
    """
    Where the credential comes from: `session`, `keyring`, `file`, `oauth`, `env`, `aws-sdk`,
    `config` or `none`.
    """
    variant: NotRequired[str | None]
    responseFormat: NotRequired[ResponseFormatPlan | None]
    """
    How a JSON answer (`responseFormat: {type: "json"}`) is asked of this model: its schema
    enforced, the API's JSON mode, or a forced `json` tool; with the reason.
    """
    hooks: NotRequired[list[HookChange]]
    """
    What each plugin hook changed, in the order they ran (built-ins, then the host's).
    """
    warnings: NotRequired[list[CallWarning]]
    """
    Hooks that failed and were skipped (the preview shows the request without their change).
    """


class SessionUpdateParams(TypedDict):
    """
    Params of `session/update`.
    """

    sessionId: str
    config: NotRequired[Any]
    """
    Config overlay in OpenCode's format (`{"provider": {...}}`), merged over the global config.
    """
    env: NotRequired[dict[str, Any] | None]
    """
    Environment variables on top of the sidecar's start-time snapshot, for this session only.
    """
    credentials: NotRequired[dict[str, Any] | None]
    """
    Per provider id: `{apiKey}` or `{type: "oauth", access, refresh?, expires?}`.
    """
    headers: NotRequired[dict[str, Any] | None]
    """
    Headers sent on every request of this session.
    """
    options: NotRequired[SessionOptions | None]
    accounts: NotRequired[dict[str, Any] | None]
    """
    Per provider id: the stored account this session uses instead of the provider's active one.
    """


class ChatStreamParams(TypedDict):
    """
    Params of `chat/stream`.
    """

    sessionId: str
    providerId: str
    modelId: str
    variant: NotRequired[str | None]
    """
    A reasoning preset of the model (`model/get` lists them, e.g. `low`, `high`, `max`); an unknown
    name is invalid params with `data.available`.
    """
    messages: list[Message]
    tools: NotRequired[list[Tool]]
    toolChoice: NotRequired[ToolChoice | None]
    temperature: NotRequired[float | None]
    topP: NotRequired[float | None]
    topK: NotRequired[int | None]
    maxOutputTokens: NotRequired[int | None]
    stopSequences: NotRequired[list[str]]
    responseFormat: NotRequired[ResponseFormat | None]
    """
    `{type: "text"}` (the default) or `{type: "json", schema?, name?, description?}`.
    """
    seed: NotRequired[int | None]
    """
    Sampling seed, for repeatable answers where the API takes one (OpenAI chat completions,
    Gemini, Cohere; Mistral's `random_seed`).
    """
    presencePenalty: NotRequired[float | None]
    """
    Penalizes tokens already present (OpenAI chat completions, Gemini, Cohere).
    """
    frequencyPenalty: NotRequired[float | None]
    """
    Penalizes tokens by how often they appeared (OpenAI chat completions, Gemini, Cohere).
    """
    providerOptions: NotRequired[dict[str, Any] | None]
    """
    Provider options by key: the wire format's namespace (`openai`, `anthropic`, `google`,
    `bedrock`, `cohere`), the AI SDK package's key (`openrouter`, `openaiCompatible`, `copilot`,
    `vertex`, `azure`, …) or the provider id; each applicable one is merged into the body last.
    Keys in the AI SDK's spelling (`reasoningEffort`, `thinking.budgetTokens`, `promptCacheKey`,
    …) are written as the API's fields; any other key is passed as written.
    """
    headers: NotRequired[dict[str, Any] | None]
    """
    Headers for this call only, on top of the session's.
    """
    fallbacks: NotRequired[list[ChatTarget]]
    """
    Tried in order when the call fails retryably before its first streamed byte.
    """
    small: NotRequired[bool]
    """
    A small call (a title, a summary): the model's small-call options (OpenCode's
    `smallOptions()`: its first reasoning preset, `store: false` where that applies) instead of
    the full ones. A `variant` given with it still wins.
    """


class ChatGenerateParams(TypedDict):
    """
    Params of `chat/generate`.
    """

    sessionId: str
    providerId: str
    modelId: str
    variant: NotRequired[str | None]
    """
    A reasoning preset of the model (`model/get` lists them, e.g. `low`, `high`, `max`); an unknown
    name is invalid params with `data.available`.
    """
    messages: list[Message]
    tools: NotRequired[list[Tool]]
    toolChoice: NotRequired[ToolChoice | None]
    temperature: NotRequired[float | None]
    topP: NotRequired[float | None]
    topK: NotRequired[int | None]
    maxOutputTokens: NotRequired[int | None]
    stopSequences: NotRequired[list[str]]
    responseFormat: NotRequired[ResponseFormat | None]
    """
    `{type: "text"}` (the default) or `{type: "json", schema?, name?, description?}`.
    """
    seed: NotRequired[int | None]
    """
    Sampling seed, for repeatable answers where the API takes one (OpenAI chat completions,
    Gemini, Cohere; Mistral's `random_seed`).
    """
    presencePenalty: NotRequired[float | None]
    """
    Penalizes tokens already present (OpenAI chat completions, Gemini, Cohere).
    """
    frequencyPenalty: NotRequired[float | None]
    """
    Penalizes tokens by how often they appeared (OpenAI chat completions, Gemini, Cohere).
    """
    providerOptions: NotRequired[dict[str, Any] | None]
    """
    Provider options by key: the wire format's namespace (`openai`, `anthropic`, `google`,
    `bedrock`, `cohere`), the AI SDK package's key (`openrouter`, `openaiCompatible`, `copilot`,
    `vertex`, `azure`, …) or the provider id; each applicable one is merged into the body last.
    Keys in the AI SDK's spelling (`reasoningEffort`, `thinking.budgetTokens`, `promptCacheKey`,
    …) are written as the API's fields; any other key is passed as written.
    """
    headers: NotRequired[dict[str, Any] | None]
    """
    Headers for this call only, on top of the session's.
    """
    fallbacks: NotRequired[list[ChatTarget]]
    """
    Tried in order when the call fails retryably before its first streamed byte.
    """
    small: NotRequired[bool]
    """
    A small call (a title, a summary): the model's small-call options (OpenCode's
    `smallOptions()`: its first reasoning preset, `store: false` where that applies) instead of
    the full ones. A `variant` given with it still wins.
    """


class TransformPreviewParams(TypedDict):
    """
    Params of `transform/preview`.
    """

    sessionId: str
    providerId: str
    modelId: str
    variant: NotRequired[str | None]
    """
    A reasoning preset of the model (`model/get` lists them, e.g. `low`, `high`, `max`); an unknown
    name is invalid params with `data.available`.
    """
    messages: list[Message]
    tools: NotRequired[list[Tool]]
    toolChoice: NotRequired[ToolChoice | None]
    temperature: NotRequired[float | None]
    topP: NotRequired[float | None]
    topK: NotRequired[int | None]
    maxOutputTokens: NotRequired[int | None]
    stopSequences: NotRequired[list[str]]
    responseFormat: NotRequired[ResponseFormat | None]
    """
    `{type: "text"}` (the default) or `{type: "json", schema?, name?, description?}`.
    """
    seed: NotRequired[int | None]
    """
    Sampling seed, for repeatable answers where the API takes one (OpenAI chat completions,
    Gemini, Cohere; Mistral's `random_seed`).
    """
    presencePenalty: NotRequired[float | None]
    """
    Penalizes tokens already present (OpenAI chat completions, Gemini, Cohere).
    """
    frequencyPenalty: NotRequired[float | None]
    """
    Penalizes tokens by how often they appeared (OpenAI chat completions, Gemini, Cohere).
    """
    providerOptions: NotRequired[dict[str, Any] | None]
    """
    Provider options by key: the wire format's namespace (`openai`, `anthropic`, `google`,
    `bedrock`, `cohere`), the AI SDK package's key (`openrouter`, `openaiCompatible`, `copilot`,
    `vertex`, `azure`, …) or the provider id; each applicable one is merged into the body last.
    Keys in the AI SDK's spelling (`reasoningEffort`, `thinking.budgetTokens`, `promptCacheKey`,
    …) are written as the API's fields; any other key is passed as written.
    """
    headers: NotRequired[dict[str, Any] | None]
    """
    Headers for this call only, on top of the session's.
    """
    fallbacks: NotRequired[list[ChatTarget]]
    """
    Tried in order when the call fails retryably before its first streamed byte.
    """
    small: NotRequired[bool]
    """
    A small call (a title, a summary): the model's small-call options (OpenCode's
    `smallOptions()`: its first reasoning preset, `store: false` where that applies) instead of
    the full ones. A `variant` given with it still wins.
    """


class AuthMethodDescriptor(TypedDict):
    type: AuthMethodType
    label: str
    prompts: NotRequired[list[AuthPrompt]]


class AuthMethodsResult(TypedDict):
    """
    `auth/methods`.
    """

    methods: dict[str, list[AuthMethodDescriptor]]


class AuthStatusResult(TypedDict):
    """
    `auth/status`.
    """

    auth: dict[str, ProviderAuthState]
    store: StoreKind
    """
    The store in use.
    """
    storeFallbackReason: NotRequired[str | None]
    """
    Why `auto` mode fell back to the file, when it did.
    """


class ChatDelta(TypedDict):
    """
    `chat/delta` params: one normalized stream part of the request `requestId`.
    """

    requestId: Any
    part: StreamPart


class ChatParams(TypedDict):
    """
    `chat/stream` and `chat/generate` params.
    """

    sessionId: str
    providerId: str
    modelId: str
    variant: NotRequired[str | None]
    """
    A reasoning preset of the model (`model/get` lists them, e.g. `low`, `high`, `max`); an unknown
    name is invalid params with `data.available`.
    """
    messages: list[Message]
    tools: NotRequired[list[Tool]]
    toolChoice: NotRequired[ToolChoice | None]
    temperature: NotRequired[float | None]
    topP: NotRequired[float | None]
    topK: NotRequired[int | None]
    maxOutputTokens: NotRequired[int | None]
    stopSequences: NotRequired[list[str]]
    responseFormat: NotRequired[ResponseFormat | None]
    """
    `{type: "text"}` (the default) or `{type: "json", schema?, name?, description?}`.
    """
    seed: NotRequired[int | None]
    """
    Sampling seed, for repeatable answers where the API takes one (OpenAI chat completions,
    Gemini, Cohere; Mistral's `random_seed`).
    """
    presencePenalty: NotRequired[float | None]
    """
    Penalizes tokens already present (OpenAI chat completions, Gemini, Cohere).
    """
    frequencyPenalty: NotRequired[float | None]
    """
    Penalizes tokens by how often they appeared (OpenAI chat completions, Gemini, Cohere).
    """
    providerOptions: NotRequired[dict[str, Any] | None]
    """
    Provider options by key: the wire format's namespace (`openai`, `anthropic`, `google`,
    `bedrock`, `cohere`), the AI SDK package's key (`openrouter`, `openaiCompatible`, `copilot`,
    `vertex`, `azure`, …) or the provider id; each applicable one is merged into the body last.
    Keys in the AI SDK's spelling (`reasoningEffort`, `thinking.budgetTokens`, `promptCacheKey`,
    …) are written as the API's fields; any other key is passed as written.
    """
    headers: NotRequired[dict[str, Any] | None]
    """
    Headers for this call only, on top of the session's.
    """
    fallbacks: NotRequired[list[ChatTarget]]
    """
    Tried in order when the call fails retryably before its first streamed byte.
    """
    small: NotRequired[bool]
    """
    A small call (a title, a summary): the model's small-call options (OpenCode's
    `smallOptions()`: its first reasoning preset, `store: false` where that applies) instead of
    the full ones. A `variant` given with it still wins.
    """


class ChatRequest(TypedDict):
    """
    The normalized request a wire format's request builder turns into a provider body.
    """

    messages: list[Message]
    tools: NotRequired[list[Tool]]
    toolChoice: NotRequired[ToolChoice | None]
    temperature: NotRequired[float | None]
    topP: NotRequired[float | None]
    topK: NotRequired[int | None]
    maxOutputTokens: NotRequired[int | None]
    stopSequences: NotRequired[list[str]]
    responseFormat: NotRequired[ResponseFormat | None]
    """
    `{type: "text"}` (the default) or `{type: "json", schema?, name?, description?}`.
    """
    seed: NotRequired[int | None]
    """
    Sampling seed, for repeatable answers where the API takes one (OpenAI chat completions,
    Gemini, Cohere; Mistral's `random_seed`).
    """
    presencePenalty: NotRequired[float | None]
    """
    Penalizes tokens already present (OpenAI chat completions, Gemini, Cohere).
    """
    frequencyPenalty: NotRequired[float | None]
    """
    Penalizes tokens by how often they appeared (OpenAI chat completions, Gemini, Cohere).
    """
    providerOptions: NotRequired[dict[str, Any] | None]
    """
    Provider options by key: the wire format's namespace (`openai`, `anthropic`, `google`,
    `bedrock`, `cohere`), the AI SDK package's key (`openrouter`, `openaiCompatible`, `copilot`,
    `vertex`, `azure`, …) or the provider id; each applicable one is merged into the body last.
    Keys in the AI SDK's spelling (`reasoningEffort`, `thinking.budgetTokens`, `promptCacheKey`,
    …) are written as the API's fields; any other key is passed as written.
    """


class Cost(TypedDict):
    """
    Prices in USD per million tokens.
    """

    input: NotRequired[float]
    output: NotRequired[float]
    cache_read: NotRequired[float | None]
    cache_write: NotRequired[float | None]
    reasoning: NotRequired[float | None]
    input_audio: NotRequired[float | None]
    output_audio: NotRequired[float | None]
    context_over_200k: NotRequired[Cost | None]
    """
    Legacy form of the first context tier (prices above 200k input tokens).
    """
    tiers: NotRequired[list[CostTier]]


class DoctorReport(TypedDict):
    healthy: bool
    """
    No check failed (warnings allowed).
    """
    checks: list[DoctorCheck]
    """
    Every finding, in the order of the sections below.
    """
    dataDir: DataDirReport
    credentialStore: CredentialStoreReport
    catalog: CatalogReport
    network: NetworkReport
    providers: list[ProviderReport]
    """
    Connected providers (a credential stored, in the environment or in the config).
    """


class ModelDescriptor(TypedDict):
    id: str
    """
    `"<providerId>/<modelId>"`.
    """
    name: str
    providerId: str
    providerName: str
    providerApiUrl: NotRequired[str | None]
    providerNpmPackage: NotRequired[str | None]
    providerEnvVars: NotRequired[list[str] | None]
    contextWindow: int
    """
    Tokens; 0 means unknown.
    """
    maxOutputTokens: int
    """
    Tokens; 0 means unknown.
    """
    modalities: NotRequired[ModelModalities | None]
    capabilities: ModelCapabilities
    modelId: str
    """
    The model's own id under its provider (the part after the first `/` of `id`).
    """
    apiId: str
    """
    The id sent upstream.
    """
    protocol: RuntimeProtocol
    """
    The wire protocol the model is called with.
    """
    connected: bool
    status: ModelStatus
    family: NotRequired[str | None]
    releaseDate: NotRequired[str | None]
    lastUpdated: NotRequired[str | None]
    knowledge: NotRequired[str | None]
    openWeights: NotRequired[bool | None]
    cost: NotRequired[Cost | None]
    """
    USD per million tokens; absent when unpublished.
    """
    limit: Limit
    attachment: bool
    temperature: bool
    structuredOutput: bool
    callOptions: CallOptionSupport
    interleaved: NotRequired[Interleaved | None]
    reasoningOptions: NotRequired[list[ReasoningOption] | None]
    variants: list[str]
    """
    Names of the option presets (reasoning efforts and config variants).
    """
    origin: ModelOrigin


class ModelListResult(TypedDict):
    models: list[ModelDescriptor]


class ModelSearchHit(TypedDict):
    model: ModelDescriptor
    score: float
    exact: bool
    """
    True when the query names the model exactly (id or name, maybe provider-qualified).
    """
    matchedFields: list[MatchedField]


class ModelSearchResult(TypedDict):
    results: list[ModelSearchHit]


class SessionOpenParams(TypedDict):
    """
    `session/open` params (also `session/update`'s: there, fields present replace or extend the session's).
    """

    sessionId: str
    config: NotRequired[Any]
    """
    Config overlay in OpenCode's format (`{"provider": {...}}`), merged over the global config.
    """
    env: NotRequired[dict[str, Any] | None]
    """
    Environment variables on top of the sidecar's start-time snapshot, for this session only.
    """
    credentials: NotRequired[dict[str, Any] | None]
    """
    Per provider id: `{apiKey}` or `{type: "oauth", access, refresh?, expires?}`.
    """
    headers: NotRequired[dict[str, Any] | None]
    """
    Headers sent on every request of this session.
    """
    options: NotRequired[SessionOptions | None]
    accounts: NotRequired[dict[str, Any] | None]
    """
    Per provider id: the stored account this session uses instead of the provider's active one.
    """


class ChatHookInput(TypedDict):
    """
    The input of `chat.params` and `chat.headers` (OpenCode's `{sessionID, model, provider,
    message}`). Holds no secret: no API key, token or header value.
    """

    sessionId: str
    model: HookModel
    variant: NotRequired[str | None]
    small: bool
    """
    A small call (a title, a summary).
    """
    request: ChatRequest
    """
    The request as the caller sent it (before the sampling defaults and transforms).
    """
    headerNames: list[str]
    """
    The names (never the values) of the headers the request carries so far: the loader's,
    the config's, the session's and the call's; auth headers are added after the hooks and
    are not listed.
    """


class ChatParamsHookParams(TypedDict):
    """
    The params of `hook/chat.params`: the call, and the output as it stands after the built-in and
    in-process hooks.
    """

    input: ChatHookInput
    output: ChatParamsOutput


class ChatHeadersHookParams(TypedDict):
    """
    The params of `hook/chat.headers`.
    """

    input: ChatHookInput
    output: ChatHeadersOutput


class SidecarContract(TypedDict):
    """
    Every type of the contract (this class itself is only their root).
    """

    AccountSummary: NotRequired[AccountSummary]
    AuthAccountsSelectParams: NotRequired[AuthAccountsSelectParams]
    AuthImportParams: NotRequired[AuthImportParams]
    AuthKind: NotRequired[AuthKind]
    AuthMethodDescriptor: NotRequired[AuthMethodDescriptor]
    AuthMethodType: NotRequired[AuthMethodType]
    AuthMethodsResult: NotRequired[AuthMethodsResult]
    AuthOauthAuthorizeParams: NotRequired[AuthOauthAuthorizeParams]
    AuthOauthCallbackParams: NotRequired[AuthOauthCallbackParams]
    AuthPreview: NotRequired[AuthPreview]
    AuthPrompt: NotRequired[AuthPrompt]
    AuthRemoveParams: NotRequired[AuthRemoveParams]
    AuthSetParams: NotRequired[AuthSetParams]
    AuthStatusResult: NotRequired[AuthStatusResult]
    AuthorizeRpcParams: NotRequired[AuthorizeRpcParams]
    CaFileReport: NotRequired[CaFileReport]
    CallOptionSupport: NotRequired[CallOptionSupport]
    CallWarning: NotRequired[CallWarning]
    CallbackParams: NotRequired[CallbackParams]
    CallbackStatus: NotRequired[CallbackStatus]
    Capability: NotRequired[Capability]
    CatalogDiff: NotRequired[CatalogDiff]
    CatalogRefreshParams: NotRequired[CatalogRefreshParams]
    CatalogReport: NotRequired[CatalogReport]
    CatalogSource: NotRequired[CatalogSource]
    CatalogStatus: NotRequired[CatalogStatus]
    ChatDelta: NotRequired[ChatDelta]
    ChatGenerateParams: NotRequired[ChatGenerateParams]
    ChatHeadersHookParams: NotRequired[ChatHeadersHookParams]
    ChatHeadersOutput: NotRequired[ChatHeadersOutput]
    ChatHeadersPatch: NotRequired[ChatHeadersPatch]
    ChatHookInput: NotRequired[ChatHookInput]
    ChatParams: NotRequired[ChatParams]
    ChatParamsHookParams: NotRequired[ChatParamsHookParams]
    ChatParamsOutput: NotRequired[ChatParamsOutput]
    ChatParamsPatch: NotRequired[ChatParamsPatch]
    ChatRequest: NotRequired[ChatRequest]
    ChatResult: NotRequired[ChatResult]
    ChatStreamParams: NotRequired[ChatStreamParams]
    ChatTarget: NotRequired[ChatTarget]
    CheckStatus: NotRequired[CheckStatus]
    ClientCapabilities: NotRequired[ClientCapabilities]
    ClientInfo: NotRequired[ClientInfo]
    ConditionOp: NotRequired[ConditionOp]
    ConfigHookParams: NotRequired[ConfigHookParams]
    ConfigImportParams: NotRequired[ConfigImportParams]
    ConfigImportReport: NotRequired[ConfigImportReport]
    ConfigPatch: NotRequired[ConfigPatch]
    ConnectionStatus: NotRequired[ConnectionStatus]
    Content: NotRequired[Content]
    Cost: NotRequired[Cost]
    CostTier: NotRequired[CostTier]
    CredentialInput: NotRequired[CredentialInput]
    CredentialKind: NotRequired[CredentialKind]
    CredentialLocation: NotRequired[CredentialLocation]
    CredentialSource: NotRequired[CredentialSource]
    CredentialStoreReport: NotRequired[CredentialStoreReport]
    DataDirReport: NotRequired[DataDirReport]
    DefaultModelResult: NotRequired[DefaultModelResult]
    DefaultModelSource: NotRequired[DefaultModelSource]
    DiscoverResult: NotRequired[DiscoverResult]
    DoctorCheck: NotRequired[DoctorCheck]
    DoctorParams: NotRequired[DoctorParams]
    DoctorReport: NotRequired[DoctorReport]
    DoctorReportParams: NotRequired[DoctorReportParams]
    DynamicHeaders: NotRequired[DynamicHeaders]
    FinishReason: NotRequired[FinishReason]
    HookChange: NotRequired[HookChange]
    HookEvent: NotRequired[HookEvent]
    HookEventParams: NotRequired[HookEventParams]
    HookModel: NotRequired[HookModel]
    HookPoint: NotRequired[HookPoint]
    HostHooks: NotRequired[HostHooks]
    ImportParams: NotRequired[ImportParams]
    ImportReport: NotRequired[ImportReport]
    ImportSkipReason: NotRequired[ImportSkipReason]
    ImportSource: NotRequired[ImportSource]
    ImportedSource: NotRequired[ImportedSource]
    InitializationOptions: NotRequired[InitializationOptions]
    InitializeParams: NotRequired[InitializeParams]
    InitializeResult: NotRequired[InitializeResult]
    Interleaved: NotRequired[Interleaved]
    JsonAnswerMode: NotRequired[JsonAnswerMode]
    KeyValidationOutcome: NotRequired[KeyValidationOutcome]
    KeyValidationReport: NotRequired[KeyValidationReport]
    Limit: NotRequired[Limit]
    MatchedField: NotRequired[MatchedField]
    Message: NotRequired[Message]
    Modality: NotRequired[Modality]
    ModelCapabilities: NotRequired[ModelCapabilities]
    ModelDescriptor: NotRequired[ModelDescriptor]
    ModelGetParams: NotRequired[ModelGetParams]
    ModelListParams: NotRequired[ModelListParams]
    ModelListResult: NotRequired[ModelListResult]
    ModelModalities: NotRequired[ModelModalities]
    ModelOrigin: NotRequired[ModelOrigin]
    ModelRef: NotRequired[ModelRef]
    ModelSearchHit: NotRequired[ModelSearchHit]
    ModelSearchParams: NotRequired[ModelSearchParams]
    ModelSearchResult: NotRequired[ModelSearchResult]
    ModelStatus: NotRequired[ModelStatus]
    NetworkReport: NotRequired[NetworkReport]
    NoParams: NotRequired[NoParams]
    OAuthAuthorizeResult: NotRequired[OAuthAuthorizeResult]
    OAuthCallbackResult: NotRequired[OAuthCallbackResult]
    OAuthFlowMethod: NotRequired[OAuthFlowMethod]
    OAuthTag: NotRequired[OAuthTag]
    OkResult: NotRequired[OkResult]
    Part: NotRequired[Part]
    Preferences: NotRequired[Preferences]
    PreferencesUpdate: NotRequired[PreferencesUpdate]
    PreferencesUpdateParams: NotRequired[PreferencesUpdateParams]
    ProgressParams: NotRequired[ProgressParams]
    ProgressToken: NotRequired[ProgressToken]
    PromptCondition: NotRequired[PromptCondition]
    PromptOption: NotRequired[PromptOption]
    ProviderAuth: NotRequired[ProviderAuth]
    ProviderAuthState: NotRequired[ProviderAuthState]
    ProviderCatalogItem: NotRequired[ProviderCatalogItem]
    ProviderCatalogResult: NotRequired[ProviderCatalogResult]
    ProviderDescriptor: NotRequired[ProviderDescriptor]
    ProviderGetParams: NotRequired[ProviderGetParams]
    ProviderListResult: NotRequired[ProviderListResult]
    ProviderOrigin: NotRequired[ProviderOrigin]
    ProviderReport: NotRequired[ProviderReport]
    ProviderSearchHit: NotRequired[ProviderSearchHit]
    ProviderSearchParams: NotRequired[ProviderSearchParams]
    ProviderSearchResult: NotRequired[ProviderSearchResult]
    Reachability: NotRequired[Reachability]
    ReasoningOption: NotRequired[ReasoningOption]
    RefreshCatalogParams: NotRequired[RefreshCatalogParams]
    RefreshOutcome: NotRequired[RefreshOutcome]
    RefreshResult: NotRequired[RefreshResult]
    RemoveParams: NotRequired[RemoveParams]
    ResponseFormat: NotRequired[ResponseFormat]
    ResponseFormatPlan: NotRequired[ResponseFormatPlan]
    ResponseInfo: NotRequired[ResponseInfo]
    RetryPolicy: NotRequired[RetryPolicy]
    RuntimePreview: NotRequired[RuntimePreview]
    RuntimeProtocol: NotRequired[RuntimeProtocol]
    SearchFilters: NotRequired[SearchFilters]
    Secret: NotRequired[Secret]
    SelectAccountParams: NotRequired[SelectAccountParams]
    ServerCapabilities: NotRequired[ServerCapabilities]
    ServerInfo: NotRequired[ServerInfo]
    SessionCloseParams: NotRequired[SessionCloseParams]
    SessionCloseResult: NotRequired[SessionCloseResult]
    SessionInfo: NotRequired[SessionInfo]
    SessionListResult: NotRequired[SessionListResult]
    SessionOpenParams: NotRequired[SessionOpenParams]
    SessionOptions: NotRequired[SessionOptions]
    SessionUpdateParams: NotRequired[SessionUpdateParams]
    SetKeyResult: NotRequired[SetKeyResult]
    SetParams: NotRequired[SetParams]
    SkippedConfig: NotRequired[SkippedConfig]
    SkippedImport: NotRequired[SkippedImport]
    StoreKind: NotRequired[StoreKind]
    StoreMode: NotRequired[StoreMode]
    StreamError: NotRequired[StreamError]
    StreamPart: NotRequired[StreamPart]
    TierThreshold: NotRequired[TierThreshold]
    Timeouts: NotRequired[Timeouts]
    Tool: NotRequired[Tool]
    ToolChoice: NotRequired[ToolChoice]
    ToolChoiceMode: NotRequired[ToolChoiceMode]
    ToolKind: NotRequired[ToolKind]
    TransformPreview: NotRequired[TransformPreview]
    TransformPreviewParams: NotRequired[TransformPreviewParams]
    Usage: NotRequired[Usage]
    WireFormat: NotRequired[WireFormat]
    WorkDoneProgress: NotRequired[WorkDoneProgress]
