// chatStream and chatGenerate against a local OpenAI-compatible provider replaying a recorded
// stream (fixtures/provider-streams/openai-chat/openai-text: 300 text deltas).
import assert from "node:assert/strict";
import { test } from "node:test";

import { ChatCancelledError, type ChatStreamEvent, type StreamPart } from "../src";
import { golden, mockProvider, openaiChatChunks, sleep, spawnTest, type MockServer } from "./support";

const PRICES = { input: 1.5, output: 6 }; // USD per million tokens
const hi = [{ role: "user" as const, content: "hi" }];

async function chatSidecar(server: MockServer) {
  const sidecar = await spawnTest({
    config: {
      provider: {
        mock: {
          npm: "@ai-sdk/openai-compatible",
          options: { baseURL: server.url, apiKey: "sk-test-mock" },
          models: { m: { cost: PRICES } },
        },
      },
    },
  });
  await sidecar.sessionOpen({ sessionId: "s" });
  return sidecar;
}

const expected = golden("openai-chat", "openai-text");

test("chatStream yields the recorded stream's parts in order, then the result with its cost", async () => {
  const server = await mockProvider(openaiChatChunks("openai-text"));
  const sidecar = await chatSidecar(server);
  try {
    const events: ChatStreamEvent[] = [];
    for await (const event of sidecar.chatStream({ sessionId: "s", providerId: "mock", modelId: "m", messages: hi })) {
      events.push(event);
    }
    const last = events.pop();
    assert.equal(last?.type, "result");
    assert.deepEqual(events, expected.parts);
    const result = last.type === "result" ? last.result : undefined;
    const { cost, ...rest } = result ?? {};
    assert.deepEqual(rest, expected.result);
    const usage = result!.usage;
    const priced = (usage.inputTokens * PRICES.input + usage.outputTokens * PRICES.output) / 1e6;
    assert.ok(Math.abs((cost ?? 0) - priced) < 1e-12, `cost ${cost} = ${priced}`);
    const body = JSON.parse(server.posts()[0].body);
    assert.equal(body.messages[0].content, "hi");
    assert.equal(server.posts()[0].headers.authorization, "Bearer sk-test-mock");

    const generated = await sidecar.chatGenerate({ sessionId: "s", providerId: "mock", modelId: "m", messages: hi });
    assert.deepEqual(generated, result);
  } finally {
    await sidecar.close();
    await server.stop();
  }
});

test("aborting the signal mid-stream cancels upstream and throws with the partial result", async () => {
  const server = await mockProvider(openaiChatChunks("openai-text"), { stallAfter: 6 });
  const sidecar = await chatSidecar(server);
  try {
    const abort = new AbortController();
    const stream = sidecar.chatStream({ sessionId: "s", providerId: "mock", modelId: "m", messages: hi }, { signal: abort.signal });
    const seen: StreamPart[] = [];
    let abortedAt = 0;
    await assert.rejects(
      (async () => {
        for await (const event of stream) {
          assert.notEqual(event.type, "result");
          seen.push(event as StreamPart);
          if (event.type === "text-delta" && !abort.signal.aborted) {
            abortedAt = Date.now();
            abort.abort();
          }
        }
      })(),
      (error) => {
        assert.ok(error instanceof ChatCancelledError, String(error));
        assert.equal(error.code, -32800);
        assert.equal(error.kind, "request_cancelled");
        const partial = error.partial;
        assert.ok(partial, "partial result");
        assert.ok(partial.content.length > 0 && "text" in partial.content[0] && partial.content[0].text.length > 0);
        assert.equal(typeof partial.usage.inputTokens, "number");
        return true;
      },
    );
    assert.ok(seen.some((p) => p.type === "text-delta"));
    const closedAt = await server.clientClosed;
    assert.ok(closedAt - abortedAt < 2000, `upstream closed ${closedAt - abortedAt} ms after abort`);
    await assert.rejects(stream.result, ChatCancelledError);
    // The sidecar keeps serving.
    assert.ok((await sidecar.sessionList()).sessions.length === 1);
  } finally {
    await sidecar.close();
    await server.stop();
  }
});

test("stopping the iteration early sends $/cancelRequest and the result rejects with the partial", async () => {
  const server = await mockProvider(openaiChatChunks("openai-text"), { stallAfter: 6 });
  const sidecar = await chatSidecar(server);
  try {
    const stream = sidecar.chatStream({ sessionId: "s", providerId: "mock", modelId: "m", messages: hi });
    let first: ChatStreamEvent | undefined;
    for await (const event of stream) {
      if (event.type === "text-delta") {
        first = event;
        break;
      }
    }
    assert.equal(first?.type, "text-delta");
    const error = await stream.result.then(
      () => assert.fail("a cancelled stream has no result"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ChatCancelledError);
    assert.ok(error.partial?.usage);
    await server.clientClosed;
    assert.deepEqual(await stream.next(), { value: undefined, done: true });
  } finally {
    await sidecar.close();
    await server.stop();
  }
});

test("a host that reads slowly still gets every part in order", async () => {
  // groq-reasoning: 963 reasoning deltas, ~280 kB of notifications, more than a pipe holds.
  const slow = golden("openai-chat", "groq-reasoning");
  const server = await mockProvider(openaiChatChunks("groq-reasoning"));
  const sidecar = await chatSidecar(server);
  try {
    const stream = sidecar.chatStream({ sessionId: "s", providerId: "mock", modelId: "m", messages: hi });
    // The host stops reading the sidecar's stdout for a while (busy elsewhere): the pipe fills
    // and the sidecar waits; then it reads again, and consumes the parts slowly.
    const stdout = sidecar.process!.stdout!;
    stdout.pause();
    await sleep(500);
    stdout.resume();
    const events: ChatStreamEvent[] = [];
    for await (const event of stream) {
      events.push(event);
      if (events.length % 50 === 0) await sleep(10);
    }
    const last = events.pop();
    assert.deepEqual(events, slow.parts);
    assert.equal(last?.type, "result");
    const result = last?.type === "result" ? last.result : undefined;
    const { cost: _cost, ...rest } = result ?? {};
    assert.deepEqual(rest, slow.result);
  } finally {
    await sidecar.close();
    await server.stop();
  }
});

test("two streams at once each get their own parts", async () => {
  const server = await mockProvider(openaiChatChunks("openai-text"));
  const sidecar = await chatSidecar(server);
  try {
    const params = { sessionId: "s", providerId: "mock", modelId: "m", messages: hi };
    const collect = async () => {
      const events: ChatStreamEvent[] = [];
      for await (const event of sidecar.chatStream(params)) events.push(event);
      return events;
    };
    const [a, b] = await Promise.all([collect(), collect()]);
    assert.deepEqual(a.slice(0, -1), expected.parts);
    assert.deepEqual(b.slice(0, -1), expected.parts);
  } finally {
    await sidecar.close();
    await server.stop();
  }
});
