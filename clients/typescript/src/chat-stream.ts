import { ChatCancelledError, REQUEST_CANCELLED, SidecarError } from "./errors";
import type { ChatResult, StreamPart } from "./generated/contract";

/** The last item of a chat stream: the final result, cost included. */
export interface ChatStreamResult {
  type: "result";
  result: ChatResult;
}

/** What a chat stream yields: the turn's parts in order, then its result. */
export type ChatStreamEvent = StreamPart | ChatStreamResult;

type Waiter = {
  resolve: (item: IteratorResult<ChatStreamEvent>) => void;
  reject: (error: unknown) => void;
};

/**
 * One `chat/stream` call as an async iterator. Parts are queued as they arrive, so a consumer
 * that reads slowly loses nothing; the queue lives in the host.
 */
export class ChatStream implements AsyncIterableIterator<ChatStreamEvent> {
  /** The JSON-RPC id of the request (its `chat/delta` notifications carry it). */
  requestId: number | string | undefined;
  /** The final result; rejects with a SidecarError (a ChatCancelledError when cancelled). */
  readonly result: Promise<ChatResult>;

  private readonly queue: ChatStreamEvent[] = [];
  private readonly waiters: Waiter[] = [];
  private done = false;
  /** Set once the consumer stopped iterating: later parts are dropped. */
  private stopped = false;
  private failure: unknown;
  private settle!: { resolve: (r: ChatResult) => void; reject: (e: unknown) => void };

  constructor(private readonly cancelRequest: () => void) {
    this.result = new Promise<ChatResult>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // Whoever only iterates still sees the error; an unread `result` is no unhandled rejection.
    this.result.catch(() => {});
  }

  /** Sends `$/cancelRequest`; the stream then ends with a ChatCancelledError. */
  cancel(): void {
    if (!this.done) this.cancelRequest();
  }

  /** @internal A `chat/delta` part. */
  push(part: StreamPart): void {
    this.deliver(part);
  }

  /** @internal The response. */
  finish(result: ChatResult): void {
    this.deliver({ type: "result", result });
    this.done = true;
    this.settle.resolve(result);
    this.flush();
  }

  /** @internal The error response (or a transport failure). */
  fail(error: unknown): void {
    const failure =
      error instanceof SidecarError && error.code === REQUEST_CANCELLED
        ? new ChatCancelledError(error.message, error.data)
        : error;
    this.done = true;
    this.failure = failure;
    this.settle.reject(failure);
    this.flush();
  }

  next(): Promise<IteratorResult<ChatStreamEvent>> {
    const item = this.queue.shift();
    if (item !== undefined) return Promise.resolve({ value: item, done: false });
    if (this.done || this.stopped) return this.ending();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** The consumer stopped early (`break`): cancels the request if it is still running. */
  return(): Promise<IteratorResult<ChatStreamEvent>> {
    this.stop();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<ChatStreamEvent>> {
    this.stop();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ChatStreamEvent> {
    return this;
  }

  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.queue.length = 0;
    this.cancel();
    for (const waiter of this.waiters.splice(0)) waiter.resolve({ value: undefined, done: true });
  }

  private deliver(item: ChatStreamEvent): void {
    if (this.stopped || this.done) return;
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve({ value: item, done: false });
    else this.queue.push(item);
  }

  private flush(): void {
    for (const waiter of this.waiters.splice(0)) {
      this.ending().then(waiter.resolve, waiter.reject);
    }
  }

  private ending(): Promise<IteratorResult<ChatStreamEvent>> {
    if (this.failure !== undefined && !this.stopped) {
      const failure = this.failure;
      // Thrown once; the iterator is finished after that.
      this.failure = undefined;
      this.stopped = true;
      return Promise.reject(failure);
    }
    return Promise.resolve({ value: undefined, done: true });
  }
}
