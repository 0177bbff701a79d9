// Host hooks through the typed client: handlers given to spawnSidecar are declared in
// `initialize` and answer the sidecar's hook requests; their effect reaches a local provider.
import assert from "node:assert/strict";
import { test } from "node:test";

import type { ChatHookInput, HookEvent } from "../src";
import { mockProvider, openaiChatChunks, spawnTest, waitUntil } from "./support";

const hi = [{ role: "user" as const, content: "hi" }];

test("chat.params and chat.headers handlers change what reaches the provider; events arrive", async () => {
  const server = await mockProvider(openaiChatChunks("openai-text"));
  const inputs: ChatHookInput[] = [];
  const events: HookEvent[] = [];
  const sidecar = await spawnTest({
    config: {
      provider: { mock: { npm: "@ai-sdk/openai-compatible", options: { baseURL: server.url, apiKey: "sk-ts-secret" } } },
    },
    hooks: {
      handlers: {
        "chat.params": ({ input, output }) => {
          inputs.push(input);
          return { temperature: (output.temperature ?? 0) + 0.5 };
        },
        "chat.headers": async () => ({ headers: { "x-from-ts-host": "1" } }),
        event: ({ event }) => events.push(event),
      },
      timeoutMs: 2000,
    },
  });
  try {
    assert.deepEqual(sidecar.initializeResult?.capabilities.hooks, ["hook/chat.params", "hook/chat.headers", "hook/event"]);
    await sidecar.sessionOpen({ sessionId: "s" });
    const result = await sidecar.chatGenerate({ sessionId: "s", providerId: "mock", modelId: "m", temperature: 0.2, messages: hi });
    assert.equal(result.warnings, undefined);
    const [call] = server.posts();
    assert.equal(JSON.parse(call.body).temperature, 0.7);
    assert.equal(call.headers["x-from-ts-host"], "1");
    assert.equal(inputs[0].model.providerId, "mock");
    assert.ok(!JSON.stringify(inputs).includes("sk-ts-secret"), "hooks never see the key");
    await waitUntil("the chat.finished event", () => events.some((e) => e.type === "chat.finished"));
    assert.equal(events[0].type, "chat.started");
  } finally {
    await sidecar.close();
    await server.stop();
  }
});

test("a handler that throws is a failed hook: the call goes on with a warning", async () => {
  const server = await mockProvider(openaiChatChunks("openai-text"));
  const sidecar = await spawnTest({
    config: { provider: { mock: { npm: "@ai-sdk/openai-compatible", options: { baseURL: server.url, apiKey: "k" } } } },
    hooks: {
      handlers: {
        "chat.params": () => {
          throw new Error("the host broke");
        },
      },
    },
  });
  try {
    await sidecar.sessionOpen({ sessionId: "s" });
    const preview = await sidecar.transformPreview({ sessionId: "s", providerId: "mock", modelId: "m", temperature: 0.2, messages: hi });
    assert.equal(preview.body.temperature, 0.2);
    assert.equal(preview.warnings?.[0].type, "hook-failed");
    assert.equal(preview.warnings?.[0].reason, "rejected");
  } finally {
    await sidecar.close();
    await server.stop();
  }
});

test("a config handler sees the config without its secrets and edits it before initialize returns", async () => {
  const server = await mockProvider(openaiChatChunks("openai-text"));
  const seen: unknown[] = [];
  const sidecar = await spawnTest({
    config: {
      provider: {
        mock: { npm: "@ai-sdk/openai-compatible", options: { baseURL: server.url, apiKey: "sk-ts-config-secret" } },
      },
    },
    hooks: {
      handlers: {
        config: ({ config }) => {
          seen.push(config);
          return { provider: { mock: { options: { headers: { "x-from-ts-config": "1" } } } } };
        },
      },
    },
  });
  try {
    assert.deepEqual(sidecar.initializeResult?.capabilities.hooks, ["hook/config"]);
    assert.equal(seen.length, 1);
    assert.ok(!JSON.stringify(seen).includes("sk-ts-config-secret"), "the config hook never sees the key");
    await sidecar.sessionOpen({ sessionId: "s" });
    await sidecar.chatGenerate({ sessionId: "s", providerId: "mock", modelId: "m", messages: hi });
    const [call] = server.posts();
    assert.equal(call.headers["x-from-ts-config"], "1");
    assert.equal(call.headers["authorization"], "Bearer sk-ts-config-secret");
  } finally {
    await sidecar.close();
    await server.stop();
  }
});
