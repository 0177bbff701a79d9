// The desktop app's provider client (`createProviderClient`), served by the sidecar instead of
// the app's HTTP routes: the same function names and return shapes, each one RPC method. See
// docs/provider-client.md for the mapping.
import type { SidecarClient } from "./client";
import type {
  AuthMethodDescriptor,
  MethodResult,
  ModelDescriptor,
  PreferencesUpdateParams,
  ProviderAuthState,
  ProviderCatalogItem,
  ProviderDescriptor,
} from "./generated/contract";
import { spawnSidecar, type SpawnOptions } from "./spawn";

export interface ProviderClient {
  /** `provider/list`: every provider with its connection state. */
  listProviders(): Promise<ProviderDescriptor[]>;
  /** `provider/catalog`: providers for a picker (connected, then popular, then by name). */
  listProviderCatalog(): Promise<ProviderCatalogItem[]>;
  /** `auth/status`: credential state by provider id; `{}` on any failure. */
  listAuthStates(): Promise<Record<string, ProviderAuthState>>;
  /** `auth/methods`: sign-in methods by provider id. */
  listAuthMethods(): Promise<Record<string, AuthMethodDescriptor[]>>;
  /** `model/list`: every model descriptor. */
  listModels(): Promise<ModelDescriptor[]>;
  /** `auth/set`: stores an API key; `{ok: true}`. */
  setToken(providerId: string, token: string): Promise<MethodResult<"auth/set">>;
  /** `auth/remove`: removes the provider's stored credentials; `{ok: true}`. */
  clearToken(providerId: string): Promise<MethodResult<"auth/remove">>;
  /** `auth/oauth/authorize`: starts sign-in method number `method` of the provider. */
  oauthAuthorize(
    providerId: string,
    method: number,
    inputs?: Record<string, string>,
  ): Promise<MethodResult<"auth/oauth/authorize">>;
  /** `auth/oauth/callback`: `pending` until an "auto" flow is done; finishes a "code" flow. */
  oauthCallback(
    providerId: string,
    method: number,
    authorizationId: string,
    code?: string,
  ): Promise<MethodResult<"auth/oauth/callback">>;
  /** `preferences/get`. */
  getPreferences(): Promise<MethodResult<"preferences/get">>;
  /** `preferences/update`: an absent field is kept, `null` clears it. */
  updatePreferences(partial: PreferencesUpdateParams): Promise<MethodResult<"preferences/update">>;
  /** Ends the sidecar if this client spawned it (not one passed in `options.sidecar`). */
  close(): Promise<void>;
}

export interface ProviderClientOptions {
  /** A running sidecar to use; without one, the first call spawns one with `spawn`. */
  sidecar?: SidecarClient | Promise<SidecarClient>;
  /** How to spawn the sidecar when none is given. */
  spawn?: SpawnOptions;
}

/** The app's provider client over the sidecar. */
export function createProviderClient(options: ProviderClientOptions = {}): ProviderClient {
  let sidecar: Promise<SidecarClient> | undefined =
    options.sidecar === undefined ? undefined : Promise.resolve(options.sidecar);
  const owned = options.sidecar === undefined;
  const get = (): Promise<SidecarClient> => (sidecar ??= spawnSidecar(options.spawn));

  return {
    listProviders: async () => (await (await get()).providerList()).providers,
    listProviderCatalog: async () => (await (await get()).providerCatalog()).providers,
    listAuthStates: async () => {
      try {
        return (await (await get()).authStatus()).auth;
      } catch {
        return {};
      }
    },
    listAuthMethods: async () => (await (await get()).authMethods()).methods,
    listModels: async () => (await (await get()).modelList()).models,
    setToken: async (providerId, token) => (await get()).authSet({ providerId, token }),
    clearToken: async (providerId) => (await get()).authRemove({ providerId }),
    oauthAuthorize: async (providerId, method, inputs) =>
      (await get()).authOauthAuthorize({ providerId, method, ...(inputs ? { inputs } : {}) }),
    oauthCallback: async (providerId, method, authorizationId, code) =>
      (await get()).authOauthCallback({
        providerId,
        method,
        authorizationId,
        ...(code !== undefined ? { code } : {}),
      }),
    getPreferences: async () => (await get()).preferencesGet(),
    updatePreferences: async (partial) => (await get()).preferencesUpdate(partial),
    close: async () => {
      if (owned && sidecar) await (await sidecar).close();
    },
  };
}
