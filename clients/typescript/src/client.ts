import type { ChildProcess } from "node:child_process";

import {
  CancellationSenderStrategy,
  CancellationReceiverStrategy,
  CancellationTokenSource,
  ParameterStructures,
  type CancellationStrategy,
  type CancellationToken,
  type Disposable,
  type MessageConnection,
  type RequestMessage,
} from "vscode-jsonrpc";

import { ChatStream } from "./chat-stream";
import { toSidecarError } from "./errors";
import { HOOK_METHODS, type HookHandlers, type HookName } from "./hooks";
import type {
  ChatStreamParams,
  InitializeResult,
  MethodName,
  MethodParams,
  MethodResult,
  NotificationName,
  RpcNotifications,
} from "./generated/contract";
import { NOTIFICATION_NAMES } from "./generated/contract";
import { SidecarMethods, type CallOptions } from "./generated/methods";

/** A JSON-RPC request id, as vscode-jsonrpc assigns them. */
export type RequestId = number | string;

/**
 * Learns the id vscode-jsonrpc gives a request, which it does not return: its cancellation hook
 * (`enableCancellation`) sees every request message just before it is written, and the params
 * object is the caller's own, so the id is known before any answer can arrive.
 */
export class RequestIdWatcher {
  private readonly waiting = new WeakMap<object, (id: RequestId) => void>();

  /** Calls `onId` with the id of the request that will be sent with exactly `params`. */
  watch(params: object, onId: (id: RequestId) => void): void {
    this.waiting.set(params, onId);
  }

  /** A cancellation strategy sending `$/cancelRequest` (as usual) that reports request ids. */
  strategy(): CancellationStrategy {
    const waiting = this.waiting;
    const sender: CancellationSenderStrategy = {
      enableCancellation(request: RequestMessage): void {
        const params = request.params;
        if (params !== null && typeof params === "object") {
          const onId = waiting.get(params);
          if (onId) {
            waiting.delete(params);
            onId(request.id ?? "");
          }
        }
      },
      sendCancellation: (conn, id) => CancellationSenderStrategy.Message.sendCancellation(conn, id),
      cleanup: (id) => CancellationSenderStrategy.Message.cleanup(id),
    };
    return { sender, receiver: CancellationReceiverStrategy.Message };
  }
}

/** How the client was connected: the child it owns (if any) and how long it waits for it. */
export interface ClientParts {
  connection: MessageConnection;
  watcher: RequestIdWatcher;
  child?: ChildProcess;
  /** Milliseconds `close()` waits for the child after `exit` before killing it. */
  shutdownGraceMs: number;
}

/**
 * A connection to one sidecar: one typed method per RPC method (generated), typed notification
 * handlers (`onProgress`, `onCatalogChanged`, `onChatDelta`), host hooks (`onHook`),
 * `chatStream` and `close`.
 * Get one from `spawnSidecar`.
 */
export class SidecarClient extends SidecarMethods {
  /** The vscode-jsonrpc connection, for what the typed surface does not cover. */
  readonly connection: MessageConnection;
  /** The sidecar's process, when this client spawned it. */
  readonly process: ChildProcess | undefined;
  /** What `initialize` answered (set by `spawnSidecar`). */
  initializeResult: InitializeResult | undefined;

  private readonly watcher: RequestIdWatcher;
  private readonly shutdownGraceMs: number;
  private readonly handlers = new Map<string, Set<(params: never) => void>>();
  private readonly chatStreams = new Map<RequestId, ChatStream>();
  private closing: Promise<number | null> | undefined;
  private readonly exited: Promise<number | null>;
  private readonly killOnHostExit = (): void => {
    this.process?.kill("SIGKILL");
  };

  constructor(parts: ClientParts) {
    super();
    this.connection = parts.connection;
    this.process = parts.child;
    this.watcher = parts.watcher;
    this.shutdownGraceMs = parts.shutdownGraceMs;
    for (const name of NOTIFICATION_NAMES) {
      this.connection.onNotification(name, (params: unknown) => this.dispatch(name, params));
    }
    this.onChatDelta((delta) => {
      this.chatStreams.get(delta.requestId as RequestId)?.push(delta.part);
    });
    const child = parts.child;
    if (child) {
      // The child never outlives the host: killed when the host exits, and it ends by itself
      // when its stdin closes (the host died).
      process.on("exit", this.killOnHostExit);
      this.exited = new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
        else child.once("exit", (code) => resolve(code));
      });
      void this.exited.then(() => process.removeListener("exit", this.killOnHostExit));
    } else {
      this.exited = new Promise(() => {});
    }
  }

  protected async call<M extends MethodName>(
    method: M,
    params: MethodParams<M>,
    options?: CallOptions,
  ): Promise<MethodResult<M>> {
    const token = tokenFor(options?.signal);
    // vscode-jsonrpc takes a trailing CancellationToken only when one is there.
    const rest: unknown[] = params === null || params === undefined ? [] : [ParameterStructures.byName, params];
    if (token.token) rest.push(token.token);
    try {
      return await this.connection.sendRequest<MethodResult<M>>(method, ...rest);
    } catch (error) {
      throw toSidecarError(error);
    } finally {
      token.dispose();
    }
  }

  onNotification<N extends NotificationName>(
    name: N,
    handler: (params: RpcNotifications[N]) => void,
  ): Disposable {
    let set = this.handlers.get(name);
    if (!set) {
      set = new Set();
      this.handlers.set(name, set);
    }
    const entry = handler as (params: never) => void;
    set.add(entry);
    return { dispose: () => set.delete(entry) };
  }

  /**
   * Answers the sidecar's `hook/<name>` requests with `handler` (or, for `event`, receives the
   * `hook/event` notifications). The sidecar calls a hook only when `initialize` declared it
   * (`spawnSidecar({hooks})` declares and registers at once); a handler that throws answers with
   * an error, which the sidecar treats as a failed hook. Replaces an earlier handler of the name.
   */
  onHook<N extends HookName>(name: N, handler: HookHandlers[N]): Disposable {
    if (name === "event") {
      return this.onNotification("hook/event", handler as HookHandlers["event"]);
    }
    const answer = handler as (params: unknown) => unknown;
    return this.connection.onRequest(HOOK_METHODS[name], async (params: unknown) => (await answer(params)) ?? null);
  }

  private dispatch(name: string, params: unknown): void {
    for (const handler of [...(this.handlers.get(name) ?? [])]) {
      (handler as (params: unknown) => void)(params);
    }
  }

  /**
   * `chat/stream`: an async iterator of the turn's stream parts (`text-delta`, `reasoning-delta`,
   * `tool-call`, `usage`, `finish`, ...), then one `{type: "result", result}` with the final
   * result (cost included). Stopping early (`break`, `return()`) or aborting `signal` sends
   * `$/cancelRequest`; an abort makes the iteration throw a ChatCancelledError holding the
   * partial result. `stream.result` resolves with the final result as well.
   */
  chatStream(params: ChatStreamParams, options: CallOptions = {}): ChatStream {
    const source = new CancellationTokenSource();
    // A copy, so that the request's params object is this call's alone (see RequestIdWatcher).
    const own = { ...params };
    const stream = new ChatStream(() => source.cancel());
    this.watcher.watch(own, (id) => {
      stream.requestId = id;
      this.chatStreams.set(id, stream);
    });
    const onAbort = (): void => source.cancel();
    if (options.signal?.aborted) source.cancel();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const response = this.connection.sendRequest<MethodResult<"chat/stream">>(
      "chat/stream",
      ParameterStructures.byName,
      own,
      source.token,
    );
    response.then(
      (result) => stream.finish(result),
      (error) => stream.fail(toSidecarError(error)),
    ).finally(() => {
      options.signal?.removeEventListener("abort", onAbort);
      if (stream.requestId !== undefined) this.chatStreams.delete(stream.requestId);
      source.dispose();
    });
    return stream;
  }

  /**
   * Ends the sidecar cleanly: `shutdown`, then `exit`, then waits `shutdownGraceMs` for the
   * process and kills it after that. Resolves with its exit code (null when killed).
   */
  close(): Promise<number | null> {
    this.closing ??= this.shutdown_();
    return this.closing;
  }

  private async shutdown_(): Promise<number | null> {
    const child = this.process;
    const grace = this.shutdownGraceMs;
    const alive = child !== undefined && child.exitCode === null && child.signalCode === null;
    if (alive || child === undefined) {
      try {
        await withTimeout(this.shutdown(), grace);
        await this.connection.sendNotification("exit");
      } catch {
        // A sidecar that does not answer is killed below.
      }
    }
    if (!child) {
      this.connection.dispose();
      return null;
    }
    child.stdin?.end();
    const code = await withTimeout(this.exited, grace).catch(() => undefined);
    this.connection.dispose();
    if (code !== undefined) return code;
    child.kill("SIGKILL");
    return this.exited;
  }
}

function tokenFor(signal: AbortSignal | undefined): {
  token: CancellationToken | undefined;
  dispose(): void;
} {
  if (!signal) return { token: undefined, dispose: () => {} };
  const source = new CancellationTokenSource();
  const onAbort = (): void => source.cancel();
  if (signal.aborted) source.cancel();
  signal.addEventListener("abort", onAbort, { once: true });
  return {
    token: source.token,
    dispose: () => {
      signal.removeEventListener("abort", onAbort);
      source.dispose();
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
