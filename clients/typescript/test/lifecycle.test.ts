// Spawning, initialize, the typed surface against the live contract, errors, and shutdown:
// clean, forced after the grace period, and when the host goes away.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";

import { METHOD_NAMES, NOTIFICATION_NAMES, SidecarError, spawnSidecar } from "../src";
import { BIN, alive, spawnTest, tempDir, waitUntil } from "./support";

test("spawnSidecar sends initialize and the typed methods cover the live contract", async () => {
  const sidecar = await spawnTest({ clientInfo: { name: "ts-test", version: "1" } });
  try {
    assert.equal(sidecar.initializeResult?.serverInfo.name, "provider-sidecar");
    const document = await sidecar.rpcDiscover();
    const live = (document as { methods: { name: string }[] }).methods.map((m) => m.name);
    assert.deepEqual([...METHOD_NAMES], live, "generated method names match the running binary");
    const notifications = (document as { "x-notifications": { name: string }[] })["x-notifications"];
    assert.deepEqual([...NOTIFICATION_NAMES], notifications.map((n) => n.name));
    // One wrapper per method (chat/stream is the async iterator).
    for (const name of METHOD_NAMES) {
      const wrapper = name.split(/[^A-Za-z0-9]+/).filter(Boolean)
        .map((w, i) => (i === 0 ? w : w[0].toUpperCase() + w.slice(1))).join("");
      assert.equal(typeof (sidecar as unknown as Record<string, unknown>)[wrapper], "function", wrapper);
    }
  } finally {
    await sidecar.close();
  }
});

test("errors reject with the code and the stable kind; the sidecar keeps serving", async () => {
  const sidecar = await spawnTest();
  try {
    await assert.rejects(sidecar.modelGet({ providerId: "anthropic", modelId: "claude-sonet-9" }), (error) => {
      assert.ok(error instanceof SidecarError);
      assert.equal(error.kind, "model_not_found");
      assert.equal(error.code, -32002);
      return true;
    });
    await assert.rejects(
      // A wrong type on purpose: the sidecar answers -32602 naming the field.
      sidecar.modelSearch({ query: "x", limit: "ten" as unknown as number }),
      (error) => error instanceof SidecarError && error.code === -32602 && error.kind === "invalid_params",
    );
    const status = await sidecar.catalogStatus();
    assert.ok(status.modelCount > 0);
  } finally {
    await sidecar.close();
  }
});

test("close sends shutdown and exit: the sidecar exits 0", async () => {
  const sidecar = await spawnTest();
  const pid = sidecar.process?.pid ?? 0;
  assert.equal(await sidecar.close(), 0);
  assert.equal(alive(pid), false);
  assert.equal(await sidecar.close(), 0, "closing twice is harmless");
});

test("a sidecar that does not answer shutdown is killed after the grace period", async () => {
  const sidecar = await spawnTest({ shutdownGraceMs: 300 });
  const child = sidecar.process!;
  child.kill("SIGSTOP");
  const started = Date.now();
  const code = await sidecar.close();
  const took = Date.now() - started;
  assert.equal(code, null, "killed, no exit code");
  assert.equal(child.signalCode, "SIGKILL");
  assert.ok(took >= 300 && took < 3000, `close took ${took} ms`);
});

test("a failed start rejects and leaves no process behind", async () => {
  await assert.rejects(spawnSidecar({ binaryPath: join(tempDir(), "no-such-binary") }), /ENOENT/);
});

/** Runs a host process that spawns a sidecar, prints its pid and then ends as `how` says. */
async function hostThatEnds(how: "exit" | "sigkill"): Promise<number> {
  const script = `
    const { spawnSidecar } = require(${JSON.stringify(join(__dirname, "..", "src"))});
    spawnSidecar({ binaryPath: ${JSON.stringify(BIN)}, dataDir: ${JSON.stringify(tempDir())}, stderr: "ignore",
                   env: { ...process.env, PROVIDER_SIDECAR_DISABLE_MODELS_FETCH: "1" } })
      .then((sidecar) => {
        process.stdout.write(String(sidecar.process.pid) + "\\n");
        if (${JSON.stringify(how)} === "exit") process.exit(0);
        else process.kill(process.pid, "SIGKILL");
      });`;
  const host = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  host.stdout.setEncoding("utf8").on("data", (text: string) => (out += text));
  await new Promise((resolve) => host.once("exit", resolve));
  const pid = Number(out.trim());
  assert.ok(pid > 0, `host printed the sidecar's pid: ${JSON.stringify(out)}`);
  return pid;
}

test("the sidecar never outlives its host: host exits", async () => {
  const pid = await hostThatEnds("exit");
  await waitUntil("the sidecar to end after its host exited", () => !alive(pid), 2000);
});

test("the sidecar never outlives its host: host killed (stdin closes)", async () => {
  const pid = await hostThatEnds("sigkill");
  await waitUntil("the sidecar to end after its host was killed", () => !alive(pid), 3000);
});
