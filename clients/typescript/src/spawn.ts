import { spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";

import {
  StreamMessageReader,
  StreamMessageWriter,
  createMessageConnection,
} from "vscode-jsonrpc/node";

import { RequestIdWatcher, SidecarClient } from "./client";
import type { ClientInfo, InitializationOptions } from "./generated/contract";
import { hookCapabilities, type HookHandlers, type HookName, type HostHookOptions } from "./hooks";

/** How to start the sidecar. */
export interface SpawnOptions {
  /** The binary; default `$PROVIDER_SIDECAR_BIN`, else `provider-sidecar` on the PATH. */
  binaryPath?: string;
  /** `--data-dir`: cache, preferences and the credential fallback file. */
  dataDir?: string;
  /** `--config FILE`: a config file in OpenCode's `provider` format. */
  configPath?: string;
  /** Config in OpenCode's format, sent as `initializationOptions.config`. */
  config?: Record<string, unknown>;
  /** The child's whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** More command-line arguments. */
  args?: string[];
  /** `--log`: a tracing filter such as `info` or `provider_sidecar=debug`. */
  log?: string;
  /** Sent in `initialize` (default `{name: "provider-sidecar-client"}`). */
  clientInfo?: ClientInfo;
  /** More `initializationOptions` (`config` above is merged in). */
  initializationOptions?: InitializationOptions;
  /** The sidecar's stderr (its logs): inherited (default), ignored, or handed over as text. */
  stderr?: "inherit" | "ignore" | ((text: string) => void);
  /** How long `close()` waits for `shutdown` and for the process to exit, each (default 2000 ms). */
  shutdownGraceMs?: number;
  /** Host hooks: registered before `initialize`, which declares them (docs/hooks.md). */
  hooks?: HostHookOptions;
}

/**
 * Starts the sidecar, connects vscode-jsonrpc's StreamMessageReader/Writer to its stdout/stdin,
 * sends `initialize` and `initialized`, and returns the typed client. `client.close()` ends it;
 * it is killed if this process exits first.
 */
export async function spawnSidecar(options: SpawnOptions = {}): Promise<SidecarClient> {
  const binary = options.binaryPath ?? process.env.PROVIDER_SIDECAR_BIN ?? "provider-sidecar";
  const args = [...(options.args ?? [])];
  if (options.dataDir !== undefined) args.push("--data-dir", options.dataDir);
  if (options.configPath !== undefined) args.push("--config", options.configPath);
  if (options.log !== undefined) args.push("--log", options.log);
  const stderrOption = options.stderr ?? "inherit";
  const child = spawn(binary, args, {
    env: options.env ?? process.env,
    stdio: ["pipe", "pipe", typeof stderrOption === "function" ? "pipe" : stderrOption],
  });
  if (typeof stderrOption === "function") {
    child.stderr?.setEncoding("utf8").on("data", stderrOption);
  }
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", reject);
  });
  const client = connect(child.stdout as Readable, child.stdin as Writable, options, child);
  const initializationOptions: InitializationOptions = { ...options.initializationOptions };
  if (options.config !== undefined) initializationOptions.config = options.config;
  if (options.hooks !== undefined) {
    for (const [name, handler] of Object.entries(options.hooks.handlers)) {
      if (handler) client.onHook(name as HookName, handler as HookHandlers[HookName]);
    }
  }
  try {
    client.initializeResult = await client.initialize({
      processId: process.pid,
      clientInfo: options.clientInfo ?? { name: "provider-sidecar-client" },
      capabilities: options.hooks === undefined ? null : { hooks: hookCapabilities(options.hooks) },
      initializationOptions,
    });
    await client.connection.sendNotification("initialized", {});
  } catch (error) {
    await client.close();
    throw error;
  }
  return client;
}

function connect(
  input: Readable,
  output: Writable,
  options: SpawnOptions,
  child: SidecarClient["process"],
): SidecarClient {
  const watcher = new RequestIdWatcher();
  const connection = createMessageConnection(
    new StreamMessageReader(input),
    new StreamMessageWriter(output),
    undefined,
    { cancellationStrategy: watcher.strategy() },
  );
  connection.listen();
  return new SidecarClient({
    connection,
    watcher,
    child,
    shutdownGraceMs: options.shutdownGraceMs ?? 2000,
  });
}
