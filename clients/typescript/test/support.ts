// What the tests share: the binary under test, temporary data dirs, and local mock servers on
// 127.0.0.1 (a provider replaying recorded streams, a GitHub device-flow endpoint, models.dev).
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import { spawnSidecar, type SidecarClient, type SpawnOptions } from "../src";

/** The sidecar binary (scripts/test and tests/it/typescript_client.rs set it). */
export const BIN = (() => {
  const bin = process.env.PROVIDER_SIDECAR_BIN;
  if (!bin) throw new Error("PROVIDER_SIDECAR_BIN must name the provider-sidecar binary");
  return bin;
})();

/** The repository root (the folder holding fixtures/). */
export const REPO = (() => {
  let dir = __dirname;
  while (!existsSync(join(dir, "fixtures", "provider-streams"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("fixtures/ not found above " + __dirname);
    dir = parent;
  }
  return dir;
})();

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "sidecar-ts-"));
}

/** A sidecar on a fresh data dir, with the catalog fetch off unless the config turns it on. */
export async function spawnTest(options: SpawnOptions = {}): Promise<SidecarClient & { logs: string[] }> {
  const logs: string[] = [];
  const client = await spawnSidecar({
    binaryPath: BIN,
    dataDir: tempDir(),
    env: { ...process.env, PROVIDER_SIDECAR_DISABLE_MODELS_FETCH: "1" },
    stderr: (text) => logs.push(text),
    ...options,
  });
  return Object.assign(client, { logs });
}

/** A recorded stream's lines, wrapped as the provider sends them (fixtures/provider-streams/SOURCE.md). */
export function openaiChatChunks(name: string): string[] {
  const text = readFileSync(join(REPO, "fixtures", "provider-streams", "openai-chat", `${name}.chunks.txt`), "utf8");
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  return [...lines.map((line) => `data: ${line}\n\n`), "data: [DONE]\n\n"];
}

export function golden(folder: string, name: string): { parts: unknown[]; result: Record<string, unknown> } {
  return JSON.parse(readFileSync(join(REPO, "fixtures", "golden", folder, `${name}.json`), "utf8"));
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

type Handler = (req: SeenRequest, res: ServerResponse) => void | Promise<void>;

/** A local HTTP server that records requests and answers through `handler`. */
export class MockServer {
  readonly requests: SeenRequest[] = [];
  /** Resolves when a client closes a connection before its response ended. */
  readonly clientClosed: Promise<number>;
  private onClientClosed!: (at: number) => void;
  private readonly server: Server;

  private constructor(handler: Handler) {
    this.clientClosed = new Promise((resolve) => (this.onClientClosed = resolve));
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const seen = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
        this.requests.push(seen);
        res.on("close", () => {
          if (!res.writableFinished) this.onClientClosed(Date.now());
        });
        void handler(seen, res);
      });
    });
  }

  static async start(handler: Handler): Promise<MockServer> {
    const mock = new MockServer(handler);
    await new Promise<void>((resolve) => mock.server.listen(0, "127.0.0.1", resolve));
    return mock;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** The POST requests (the chat calls; a provider may also be asked for its models). */
  posts(): SeenRequest[] {
    return this.requests.filter((r) => r.method === "POST");
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * An OpenAI-compatible provider answering every chat call with `chunks` as an SSE stream; with
 * `stallAfter` it sends that many chunks and then keeps the connection open without a word.
 */
export function mockProvider(chunks: string[], options: { stallAfter?: number } = {}): Promise<MockServer> {
  return MockServer.start(async (req, res) => {
    if (req.method !== "POST") {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream" });
    const count = options.stallAfter ?? chunks.length;
    for (const chunk of chunks.slice(0, count)) {
      // One event per write, as providers send them.
      await new Promise<void>((resolve) => res.write(chunk, () => resolve()));
    }
    if (options.stallAfter === undefined) res.end();
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether a process runs (a zombie, exited but not yet reaped, does not). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ..."; the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return existsSync(`/proc/${pid}`);
  }
}

export async function waitUntil(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
