export { SidecarClient, type RequestId } from "./client";
export { ChatStream, type ChatStreamEvent, type ChatStreamResult } from "./chat-stream";
export { ChatCancelledError, REQUEST_CANCELLED, SidecarError } from "./errors";
export { spawnSidecar, type SpawnOptions } from "./spawn";
export { HOOK_METHODS, hookCapabilities, type HookHandlers, type HookName, type HostHookOptions } from "./hooks";
export { createProviderClient, type ProviderClient, type ProviderClientOptions } from "./provider-client";
export type { CallOptions } from "./generated/methods";
export * from "./generated/contract";
