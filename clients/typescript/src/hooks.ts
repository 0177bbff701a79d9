// Host hooks (docs/hooks.md): the sidecar asks the host `hook/config` when `initialize` loads the
// config, `hook/chat.params` and `hook/chat.headers` before each chat call it sends, and tells it
// `hook/event`. A host declares the hooks it
// implements in `initialize` (`spawnSidecar({hooks})` does both: declares and registers).
import type {
  ChatHeadersHookParams,
  ChatHeadersPatch,
  ChatParamsHookParams,
  ChatParamsPatch,
  ConfigHookParams,
  ConfigPatch,
  HookEventParams,
  HostHooks,
} from "./generated/contract";

type Answer<T> = T | null | undefined | Promise<T | null | undefined>;

/** One handler per hook point. An answer of null (or nothing) changes nothing. */
export interface HookHandlers {
  /** Edit the config as it is loaded (secrets arrive as "[redacted]"): answer an object deep-merged into it. */
  config: (params: ConfigHookParams) => Answer<ConfigPatch>;
  /** Change the sampling settings or provider options: answer the fields to replace (`null` removes one). */
  "chat.params": (params: ChatParamsHookParams) => Answer<ChatParamsPatch>;
  /** Add headers: answer `{headers: {name: value}}` (a null value removes one an earlier hook set). */
  "chat.headers": (params: ChatHeadersHookParams) => Answer<ChatHeadersPatch>;
  /** A chat call started, finished or failed; never awaited by the sidecar. */
  event: (params: HookEventParams) => void;
}

export type HookName = keyof HookHandlers;

/** `spawnSidecar`'s `hooks`: the handlers (each one given is declared), and the policy. */
export interface HostHookOptions {
  handlers: Partial<HookHandlers>;
  /** How long the sidecar waits for each answer (default 5000 ms). */
  timeoutMs?: number;
  /** A failed, late or invalid answer fails the call (`hook_failed`) instead of being skipped with a warning. */
  failClosed?: boolean;
}

/** The JSON-RPC method of each hook point. */
export const HOOK_METHODS: Record<HookName, string> = {
  config: "hook/config",
  "chat.params": "hook/chat.params",
  "chat.headers": "hook/chat.headers",
  event: "hook/event",
};

/** `initialize`'s `capabilities.hooks` for these options. */
export function hookCapabilities(options: HostHookOptions): HostHooks {
  const { handlers } = options;
  const declared: HostHooks = {
    config: handlers.config !== undefined,
    chatParams: handlers["chat.params"] !== undefined,
    chatHeaders: handlers["chat.headers"] !== undefined,
    event: handlers.event !== undefined,
  };
  if (options.timeoutMs !== undefined) declared.timeoutMs = options.timeoutMs;
  if (options.failClosed !== undefined) declared.failClosed = options.failClosed;
  return declared;
}
