import { ResponseError } from "vscode-jsonrpc";

import type { ChatResult } from "./generated/contract";

/** JSON-RPC code of a request cancelled by `$/cancelRequest`, a closed session or shutdown. */
export const REQUEST_CANCELLED = -32800;

/**
 * An error answered by the sidecar: the JSON-RPC `code`, `message` and `data`, whose stable
 * `kind` names the error (`components.errors` in schema/openrpc.json lists them).
 */
export class SidecarError extends Error {
  readonly code: number;
  readonly data: unknown;

  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.name = "SidecarError";
    this.code = code;
    this.data = data;
  }

  /** `data.kind`, e.g. `model_not_found`, `auth_missing`, `request_cancelled`. */
  get kind(): string | undefined {
    const data = this.data as { kind?: unknown } | null | undefined;
    return typeof data?.kind === "string" ? data.kind : undefined;
  }
}

/**
 * A chat call that was cancelled (AbortSignal, an early stop, a closed session): `partial` is
 * what the model had produced, with its usage and cost.
 */
export class ChatCancelledError extends SidecarError {
  constructor(message: string, data?: unknown) {
    super(REQUEST_CANCELLED, message, data);
    this.name = "ChatCancelledError";
  }

  get partial(): ChatResult | undefined {
    const data = this.data as { partial?: ChatResult } | null | undefined;
    return data?.partial ?? undefined;
  }
}

/** Turns what vscode-jsonrpc rejects with into a SidecarError (other errors pass through). */
export function toSidecarError(error: unknown): unknown {
  if (error instanceof ResponseError) {
    return new SidecarError(error.code, error.message, error.data);
  }
  return error;
}
