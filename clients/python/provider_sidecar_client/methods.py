# Generated from schema/openrpc.json by scripts/generate.py (method wrappers). Do not edit:
# run it after `cargo run -- schema --out schema`.

from __future__ import annotations

from typing import Any, Callable

from .contract import (
    AuthAccountsSelectParams,
    AuthImportParams,
    AuthMethodsResult,
    AuthOauthAuthorizeParams,
    AuthOauthCallbackParams,
    AuthRemoveParams,
    AuthSetParams,
    AuthStatusResult,
    CatalogDiff,
    CatalogRefreshParams,
    CatalogStatus,
    ChatDelta,
    ChatGenerateParams,
    ChatResult,
    ConfigImportParams,
    ConfigImportReport,
    DefaultModelResult,
    DiscoverResult,
    DoctorReport,
    DoctorReportParams,
    HookEventParams,
    ImportReport,
    InitializeParams,
    InitializeResult,
    ModelDescriptor,
    ModelGetParams,
    ModelListParams,
    ModelListResult,
    ModelSearchParams,
    ModelSearchResult,
    OAuthAuthorizeResult,
    OAuthCallbackResult,
    OkResult,
    Preferences,
    PreferencesUpdateParams,
    ProgressParams,
    ProviderCatalogResult,
    ProviderDescriptor,
    ProviderGetParams,
    ProviderListResult,
    ProviderSearchParams,
    ProviderSearchResult,
    RefreshResult,
    SessionCloseParams,
    SessionCloseResult,
    SessionInfo,
    SessionListResult,
    SessionOpenParams,
    SessionUpdateParams,
    SetKeyResult,
    TransformPreview,
    TransformPreviewParams,
)

METHOD_NAMES = ["initialize", "shutdown", "rpc.discover", "catalog/status", "catalog/refresh", "provider/list", "provider/catalog", "provider/get", "model/list", "model/get", "model/default", "preferences/get", "preferences/update", "model/search", "provider/search", "auth/methods", "auth/status", "auth/set", "auth/remove", "auth/accounts/select", "auth/oauth/authorize", "auth/oauth/callback", "auth/import", "session/open", "session/update", "session/close", "session/list", "chat/stream", "chat/generate", "transform/preview", "config/import", "doctor/report"]
NOTIFICATION_NAMES = ["$/progress", "catalog/changed", "chat/delta", "hook/event"]


class SidecarMethods:
    """One typed method per RPC method of the contract, one handler per notification."""

    def _call(self, method: str, params: Any) -> Any:
        raise NotImplementedError

    def on_notification(self, name: str, handler: Callable[[Any], None]) -> Callable[[], None]:
        raise NotImplementedError

    def initialize(self, params: InitializeParams | None = None) -> InitializeResult:
        """`initialize`: Optional handshake: client info, config, data dir and log level in; server info and capabilities out."""
        return self._call("initialize", params if params is not None else {})  # type: ignore[no-any-return]

    def shutdown(self) -> None:
        """`shutdown`: Prepares to exit: later requests fail with server_shutting_down; `exit` then ends the process with 0."""
        return self._call("shutdown", None)  # type: ignore[no-any-return]

    def rpc_discover(self) -> DiscoverResult:
        """`rpc.discover`: The OpenRPC document describing every method, its params, result and errors."""
        return self._call("rpc.discover", None)  # type: ignore[no-any-return]

    def catalog_status(self) -> CatalogStatus:
        """`catalog/status`: The served catalog: source (embedded, cache, remote), fetch time, provider and model counts, refresh settings and the last refresh error."""
        return self._call("catalog/status", None)  # type: ignore[no-any-return]

    def catalog_refresh(self, params: CatalogRefreshParams | None = None) -> RefreshResult:
        """`catalog/refresh`: Fetches the catalog now (conditionally); reports `$/progress` and sends `catalog/changed` when the served catalog changed. A failure leaves the served catalog intact."""
        return self._call("catalog/refresh", params if params is not None else {})  # type: ignore[no-any-return]

    def provider_list(self) -> ProviderListResult:
        """`provider/list`: Every provider (catalog and config) with its connection state and credential source; never a secret."""
        return self._call("provider/list", None)  # type: ignore[no-any-return]

    def provider_catalog(self) -> ProviderCatalogResult:
        """`provider/catalog`: Providers for a picker: connected first, then popular, then by name; with aliases and auth methods."""
        return self._call("provider/catalog", None)  # type: ignore[no-any-return]

    def provider_get(self, params: ProviderGetParams) -> ProviderDescriptor:
        """`provider/get`: One provider's descriptor."""
        return self._call("provider/get", params)  # type: ignore[no-any-return]

    def model_list(self, params: ModelListParams | None = None) -> ModelListResult:
        """`model/list`: Model descriptors (capabilities, limits, costs, modalities, status, runtime protocol, call options), filtered by provider, capabilities, status and connection."""
        return self._call("model/list", params if params is not None else {})  # type: ignore[no-any-return]

    def model_get(self, params: ModelGetParams) -> ModelDescriptor:
        """`model/get`: One model's descriptor; `model_not_found` carries close model ids as suggestions."""
        return self._call("model/get", params)  # type: ignore[no-any-return]

    def model_default(self) -> DefaultModelResult:
        """`model/default`: The default model (config `model`, else the stored preference, else OpenCode's priority among connected providers) and the small model."""
        return self._call("model/default", None)  # type: ignore[no-any-return]

    def preferences_get(self) -> Preferences:
        """`preferences/get`: The selected provider and model and the hybrid vision choice (defaults when none stored)."""
        return self._call("preferences/get", None)  # type: ignore[no-any-return]

    def preferences_update(self, params: PreferencesUpdateParams | None = None) -> Preferences:
        """`preferences/update`: Partial update (an absent field is kept, `null` clears it), persisted atomically; returns the stored preferences."""
        return self._call("preferences/update", params if params is not None else {})  # type: ignore[no-any-return]

    def model_search(self, params: ModelSearchParams | None = None) -> ModelSearchResult:
        """`model/search`: Typo-tolerant ranked model search over the merged catalog, with filters; an empty query lists connected and popular models first."""
        return self._call("model/search", params if params is not None else {})  # type: ignore[no-any-return]

    def provider_search(self, params: ProviderSearchParams | None = None) -> ProviderSearchResult:
        """`provider/search`: Ranked provider search by id, name and aliases (connected, then popular), for a provider picker."""
        return self._call("provider/search", params if params is not None else {})  # type: ignore[no-any-return]

    def auth_methods(self) -> AuthMethodsResult:
        """`auth/methods`: Sign-in methods of every provider; `method` in the OAuth calls is an index into a provider's list."""
        return self._call("auth/methods", None)  # type: ignore[no-any-return]

    def auth_status(self) -> AuthStatusResult:
        """`auth/status`: Credential state of every provider, models.dev's and the config's (stored, from the environment, from the config, or none) and the store in use; never a secret."""
        return self._call("auth/status", None)  # type: ignore[no-any-return]

    def auth_set(self, params: AuthSetParams) -> SetKeyResult:
        """`auth/set`: Stores an API key for a provider (optionally as a named account, optionally validated first against its models endpoint)."""
        return self._call("auth/set", params)  # type: ignore[no-any-return]

    def auth_remove(self, params: AuthRemoveParams) -> OkResult:
        """`auth/remove`: Removes a provider's stored credential: one account, or all of them when `account` is omitted."""
        return self._call("auth/remove", params)  # type: ignore[no-any-return]

    def auth_accounts_select(self, params: AuthAccountsSelectParams) -> OkResult:
        """`auth/accounts/select`: Makes another stored account the provider's active one."""
        return self._call("auth/accounts/select", params)  # type: ignore[no-any-return]

    def auth_oauth_authorize(self, params: AuthOauthAuthorizeParams) -> OAuthAuthorizeResult:
        """`auth/oauth/authorize`: Starts a provider's OAuth sign-in (method = index into its auth/methods list): URL and instructions out; `$/progress` while a device flow waits."""
        return self._call("auth/oauth/authorize", params)  # type: ignore[no-any-return]

    def auth_oauth_callback(self, params: AuthOauthCallbackParams) -> OAuthCallbackResult:
        """`auth/oauth/callback`: Follows a sign-in: `pending` until an "auto" flow finishes, or finishes a "code" flow with the pasted code."""
        return self._call("auth/oauth/callback", params)  # type: ignore[no-any-return]

    def auth_import(self, params: AuthImportParams | None = None) -> ImportReport:
        """`auth/import`: Imports the credentials of OpenCode's auth.json (read only; never done unless asked): imported providers and skipped ones with reasons, never a secret."""
        return self._call("auth/import", params if params is not None else {})  # type: ignore[no-any-return]

    def session_open(self, params: SessionOpenParams) -> SessionInfo:
        """`session/open`: Opens (or replaces) a session: config overlay, env overlay, in-memory credentials, default headers and options."""
        return self._call("session/open", params)  # type: ignore[no-any-return]

    def session_update(self, params: SessionUpdateParams) -> SessionInfo:
        """`session/update`: Changes an open session: `config` and `options` are replaced, `env`, `credentials` and `headers` extended key by key; running chats keep their snapshot."""
        return self._call("session/update", params)  # type: ignore[no-any-return]

    def session_close(self, params: SessionCloseParams) -> SessionCloseResult:
        """`session/close`: Closes a session: cancels its in-flight chats (-32800) and wipes its credentials."""
        return self._call("session/close", params)  # type: ignore[no-any-return]

    def session_list(self) -> SessionListResult:
        """`session/list`: The open sessions: ids and the names of what they hold, never secret values."""
        return self._call("session/list", None)  # type: ignore[no-any-return]

    def chat_generate(self, params: ChatGenerateParams) -> ChatResult:
        """`chat/generate`: Runs a chat turn and answers with the final result only. Cancel answers -32800 with data.partial."""
        return self._call("chat/generate", params)  # type: ignore[no-any-return]

    def transform_preview(self, params: TransformPreviewParams) -> TransformPreview:
        """`transform/preview`: The exact request (method, URL, headers with secrets redacted, body) `chat/*` would send for these params, without sending it."""
        return self._call("transform/preview", params)  # type: ignore[no-any-return]

    def config_import(self, params: ConfigImportParams | None = None) -> ConfigImportReport:
        """`config/import`: Imports OpenCode's opencode.json(c) (global, and a project's given `directory`; read only, never done unless asked) under the sidecar's own config: the files read, the providers and settings taken, what was skipped and why; never a value."""
        return self._call("config/import", params if params is not None else {})  # type: ignore[no-any-return]

    def doctor_report(self, params: DoctorReportParams | None = None) -> DoctorReport:
        """`doctor/report`: A health report in plain words and as data: data dir, credential store and why, catalog source and age, proxy and CA settings in force, and (when asked) whether each connected provider answers; never a secret."""
        return self._call("doctor/report", params if params is not None else {})  # type: ignore[no-any-return]

    def on_progress(self, handler: Callable[[ProgressParams], None]) -> Callable[[], None]:
        """`$/progress`: LSP work-done progress of `catalog/refresh` and of a device sign-in waiting in `auth/oauth/authorize`: `begin`, then `report`s, then `end`, under the request's `workDoneToken` (or one the sidecar made). Returns a function that removes the handler."""
        return self.on_notification("$/progress", handler)

    def on_catalog_changed(self, handler: Callable[[CatalogDiff], None]) -> Callable[[], None]:
        """`catalog/changed`: The served catalog changed (after `catalog/refresh` or a background refresh): counts of providers and models added, removed and changed, and the new totals. Returns a function that removes the handler."""
        return self.on_notification("catalog/changed", handler)

    def on_chat_delta(self, handler: Callable[[ChatDelta], None]) -> Callable[[], None]:
        """`chat/delta`: One normalized stream part of a `chat/stream` request (`requestId` is its id). Returns a function that removes the handler."""
        return self.on_notification("chat/delta", handler)

    def on_hook_event(self, handler: Callable[[HookEventParams], None]) -> Callable[[], None]:
        """`hook/event`: A chat call started, finished or failed (sent when the host declared `capabilities.hooks.event`; never answered). Returns a function that removes the handler."""
        return self.on_notification("hook/event", handler)

class AsyncSidecarMethods:
    """One typed method per RPC method of the contract, one handler per notification (asyncio)."""

    async def _call(self, method: str, params: Any) -> Any:
        raise NotImplementedError

    def on_notification(self, name: str, handler: Callable[[Any], None]) -> Callable[[], None]:
        raise NotImplementedError

    async def initialize(self, params: InitializeParams | None = None) -> InitializeResult:
        """`initialize`: Optional handshake: client info, config, data dir and log level in; server info and capabilities out."""
        return await self._call("initialize", params if params is not None else {})  # type: ignore[no-any-return]

    async def shutdown(self) -> None:
        """`shutdown`: Prepares to exit: later requests fail with server_shutting_down; `exit` then ends the process with 0."""
        return await self._call("shutdown", None)  # type: ignore[no-any-return]

    async def rpc_discover(self) -> DiscoverResult:
        """`rpc.discover`: The OpenRPC document describing every method, its params, result and errors."""
        return await self._call("rpc.discover", None)  # type: ignore[no-any-return]

    async def catalog_status(self) -> CatalogStatus:
        """`catalog/status`: The served catalog: source (embedded, cache, remote), fetch time, provider and model counts, refresh settings and the last refresh error."""
        return await self._call("catalog/status", None)  # type: ignore[no-any-return]

    async def catalog_refresh(self, params: CatalogRefreshParams | None = None) -> RefreshResult:
        """`catalog/refresh`: Fetches the catalog now (conditionally); reports `$/progress` and sends `catalog/changed` when the served catalog changed. A failure leaves the served catalog intact."""
        return await self._call("catalog/refresh", params if params is not None else {})  # type: ignore[no-any-return]

    async def provider_list(self) -> ProviderListResult:
        """`provider/list`: Every provider (catalog and config) with its connection state and credential source; never a secret."""
        return await self._call("provider/list", None)  # type: ignore[no-any-return]

    async def provider_catalog(self) -> ProviderCatalogResult:
        """`provider/catalog`: Providers for a picker: connected first, then popular, then by name; with aliases and auth methods."""
        return await self._call("provider/catalog", None)  # type: ignore[no-any-return]

    async def provider_get(self, params: ProviderGetParams) -> ProviderDescriptor:
        """`provider/get`: One provider's descriptor."""
        return await self._call("provider/get", params)  # type: ignore[no-any-return]

    async def model_list(self, params: ModelListParams | None = None) -> ModelListResult:
        """`model/list`: Model descriptors (capabilities, limits, costs, modalities, status, runtime protocol, call options), filtered by provider, capabilities, status and connection."""
        return await self._call("model/list", params if params is not None else {})  # type: ignore[no-any-return]

    async def model_get(self, params: ModelGetParams) -> ModelDescriptor:
        """`model/get`: One model's descriptor; `model_not_found` carries close model ids as suggestions."""
        return await self._call("model/get", params)  # type: ignore[no-any-return]

    async def model_default(self) -> DefaultModelResult:
        """`model/default`: The default model (config `model`, else the stored preference, else OpenCode's priority among connected providers) and the small model."""
        return await self._call("model/default", None)  # type: ignore[no-any-return]

    async def preferences_get(self) -> Preferences:
        """`preferences/get`: The selected provider and model and the hybrid vision choice (defaults when none stored)."""
        return await self._call("preferences/get", None)  # type: ignore[no-any-return]

    async def preferences_update(self, params: PreferencesUpdateParams | None = None) -> Preferences:
        """`preferences/update`: Partial update (an absent field is kept, `null` clears it), persisted atomically; returns the stored preferences."""
        return await self._call("preferences/update", params if params is not None else {})  # type: ignore[no-any-return]

    async def model_search(self, params: ModelSearchParams | None = None) -> ModelSearchResult:
        """`model/search`: Typo-tolerant ranked model search over the merged catalog, with filters; an empty query lists connected and popular models first."""
        return await self._call("model/search", params if params is not None else {})  # type: ignore[no-any-return]

    async def provider_search(self, params: ProviderSearchParams | None = None) -> ProviderSearchResult:
        """`provider/search`: Ranked provider search by id, name and aliases (connected, then popular), for a provider picker."""
        return await self._call("provider/search", params if params is not None else {})  # type: ignore[no-any-return]

    async def auth_methods(self) -> AuthMethodsResult:
        """`auth/methods`: Sign-in methods of every provider; `method` in the OAuth calls is an index into a provider's list."""
        return await self._call("auth/methods", None)  # type: ignore[no-any-return]

    async def auth_status(self) -> AuthStatusResult:
        """`auth/status`: Credential state of every provider, models.dev's and the config's (stored, from the environment, from the config, or none) and the store in use; never a secret."""
        return await self._call("auth/status", None)  # type: ignore[no-any-return]

    async def auth_set(self, params: AuthSetParams) -> SetKeyResult:
        """`auth/set`: Stores an API key for a provider (optionally as a named account, optionally validated first against its models endpoint)."""
        return await self._call("auth/set", params)  # type: ignore[no-any-return]

    async def auth_remove(self, params: AuthRemoveParams) -> OkResult:
        """`auth/remove`: Removes a provider's stored credential: one account, or all of them when `account` is omitted."""
        return await self._call("auth/remove", params)  # type: ignore[no-any-return]

    async def auth_accounts_select(self, params: AuthAccountsSelectParams) -> OkResult:
        """`auth/accounts/select`: Makes another stored account the provider's active one."""
        return await self._call("auth/accounts/select", params)  # type: ignore[no-any-return]

    async def auth_oauth_authorize(self, params: AuthOauthAuthorizeParams) -> OAuthAuthorizeResult:
        """`auth/oauth/authorize`: Starts a provider's OAuth sign-in (method = index into its auth/methods list): URL and instructions out; `$/progress` while a device flow waits."""
        return await self._call("auth/oauth/authorize", params)  # type: ignore[no-any-return]

    async def auth_oauth_callback(self, params: AuthOauthCallbackParams) -> OAuthCallbackResult:
        """`auth/oauth/callback`: Follows a sign-in: `pending` until an "auto" flow finishes, or finishes a "code" flow with the pasted code."""
        return await self._call("auth/oauth/callback", params)  # type: ignore[no-any-return]

    async def auth_import(self, params: AuthImportParams | None = None) -> ImportReport:
        """`auth/import`: Imports the credentials of OpenCode's auth.json (read only; never done unless asked): imported providers and skipped ones with reasons, never a secret."""
        return await self._call("auth/import", params if params is not None else {})  # type: ignore[no-any-return]

    async def session_open(self, params: SessionOpenParams) -> SessionInfo:
        """`session/open`: Opens (or replaces) a session: config overlay, env overlay, in-memory credentials, default headers and options."""
        return await self._call("session/open", params)  # type: ignore[no-any-return]

    async def session_update(self, params: SessionUpdateParams) -> SessionInfo:
        """`session/update`: Changes an open session: `config` and `options` are replaced, `env`, `credentials` and `headers` extended key by key; running chats keep their snapshot."""
        return await self._call("session/update", params)  # type: ignore[no-any-return]

    async def session_close(self, params: SessionCloseParams) -> SessionCloseResult:
        """`session/close`: Closes a session: cancels its in-flight chats (-32800) and wipes its credentials."""
        return await self._call("session/close", params)  # type: ignore[no-any-return]

    async def session_list(self) -> SessionListResult:
        """`session/list`: The open sessions: ids and the names of what they hold, never secret values."""
        return await self._call("session/list", None)  # type: ignore[no-any-return]

    async def chat_generate(self, params: ChatGenerateParams) -> ChatResult:
        """`chat/generate`: Runs a chat turn and answers with the final result only. Cancel answers -32800 with data.partial."""
        return await self._call("chat/generate", params)  # type: ignore[no-any-return]

    async def transform_preview(self, params: TransformPreviewParams) -> TransformPreview:
        """`transform/preview`: The exact request (method, URL, headers with secrets redacted, body) `chat/*` would send for these params, without sending it."""
        return await self._call("transform/preview", params)  # type: ignore[no-any-return]

    async def config_import(self, params: ConfigImportParams | None = None) -> ConfigImportReport:
        """`config/import`: Imports OpenCode's opencode.json(c) (global, and a project's given `directory`; read only, never done unless asked) under the sidecar's own config: the files read, the providers and settings taken, what was skipped and why; never a value."""
        return await self._call("config/import", params if params is not None else {})  # type: ignore[no-any-return]

    async def doctor_report(self, params: DoctorReportParams | None = None) -> DoctorReport:
        """`doctor/report`: A health report in plain words and as data: data dir, credential store and why, catalog source and age, proxy and CA settings in force, and (when asked) whether each connected provider answers; never a secret."""
        return await self._call("doctor/report", params if params is not None else {})  # type: ignore[no-any-return]

    def on_progress(self, handler: Callable[[ProgressParams], None]) -> Callable[[], None]:
        """`$/progress`: LSP work-done progress of `catalog/refresh` and of a device sign-in waiting in `auth/oauth/authorize`: `begin`, then `report`s, then `end`, under the request's `workDoneToken` (or one the sidecar made). Returns a function that removes the handler."""
        return self.on_notification("$/progress", handler)

    def on_catalog_changed(self, handler: Callable[[CatalogDiff], None]) -> Callable[[], None]:
        """`catalog/changed`: The served catalog changed (after `catalog/refresh` or a background refresh): counts of providers and models added, removed and changed, and the new totals. Returns a function that removes the handler."""
        return self.on_notification("catalog/changed", handler)

    def on_chat_delta(self, handler: Callable[[ChatDelta], None]) -> Callable[[], None]:
        """`chat/delta`: One normalized stream part of a `chat/stream` request (`requestId` is its id). Returns a function that removes the handler."""
        return self.on_notification("chat/delta", handler)

    def on_hook_event(self, handler: Callable[[HookEventParams], None]) -> Callable[[], None]:
        """`hook/event`: A chat call started, finished or failed (sent when the host declared `capabilities.hooks.event`; never answered). Returns a function that removes the handler."""
        return self.on_notification("hook/event", handler)
