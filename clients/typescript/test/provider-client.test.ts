// createProviderClient: the desktop app's provider client, function by function, over a real
// sidecar; the OAuth device flow signs in against a local GitHub token endpoint.
import assert from "node:assert/strict";
import { test } from "node:test";

import { createProviderClient, type ProgressParams } from "../src";
import { BIN, MockServer, sleep, spawnTest, tempDir } from "./support";

const API_KEY = "sk-ant-ts-client-test-1234";
const GITHUB_TOKEN = "gho_ts_client_test_5678";

/** GitHub's device-flow endpoints: two `authorization_pending` answers, then a token. */
async function mockGithub(): Promise<MockServer> {
  let polls = 0;
  return MockServer.start((req, res) => {
    const json = (body: unknown) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (req.url === "/login/device/code") {
      json({ device_code: "dev-ts-1", user_code: "ABCD-1234", verification_uri: "https://github.com/login/device", interval: 1, expires_in: 900 });
    } else if (req.url === "/login/oauth/access_token") {
      polls += 1;
      json(polls <= 2 ? { error: "authorization_pending" } : { access_token: GITHUB_TOKEN, token_type: "bearer", scope: "read:user" });
    } else {
      res.writeHead(404).end();
    }
  });
}

function authConfig(github: MockServer) {
  return {
    auth: {
      store: "file",
      endpoints: { githubBase: github.url },
      polling: { intervalUnitMs: 20, safetyMarginMs: 0 },
    },
  };
}

test("the provider client's functions, one by one", async () => {
  const github = await mockGithub();
  const sidecar = await spawnTest({ config: authConfig(github) });
  const client = createProviderClient({ sidecar });
  try {
    // listProviders: ProviderDescriptor[]
    const providers = await client.listProviders();
    const anthropic = providers.find((p) => p.id === "anthropic");
    assert.ok(anthropic);
    assert.deepEqual(
      { id: anthropic.id, name: anthropic.name, models: anthropic.models, auth: anthropic.auth },
      { id: "anthropic", name: "Anthropic", models: true, auth: { kind: "token" } },
    );
    assert.equal(typeof anthropic.api, "boolean");
    assert.ok(anthropic.env.includes("ANTHROPIC_API_KEY"));

    // listProviderCatalog: ProviderCatalogItem[], popular first while nothing is connected
    const catalog = await client.listProviderCatalog();
    assert.deepEqual(catalog.slice(0, 7).map((p) => p.id), ["opencode", "zai", "zai-coding-plan", "openai", "anthropic", "google", "openrouter"]);
    for (const item of catalog.slice(0, 7)) {
      assert.equal(item.popular, true);
      assert.equal(item.connected, false);
      assert.ok(Array.isArray(item.aliases) && Array.isArray(item.authMethods) && item.modelCount > 0);
    }

    // listAuthMethods: Record<providerId, AuthMethodDescriptor[]>
    const methods = await client.listAuthMethods();
    assert.deepEqual(methods.anthropic?.map((m) => m.type), ["api"]);
    const copilot = methods["github-copilot"]?.[0];
    assert.equal(copilot?.type, "oauth");
    assert.ok(copilot?.prompts?.some((p) => p.type === "select" && p.key === "deploymentType"));

    // listModels: ModelDescriptor[] with "<providerId>/<modelId>" ids
    const models = await client.listModels();
    assert.ok(models.length > 1000);
    const model = models.find((m) => m.providerId === "anthropic")!;
    assert.ok(model.id.startsWith("anthropic/"));
    assert.equal(typeof model.contextWindow, "number");
    assert.equal(typeof model.maxOutputTokens, "number");
    assert.deepEqual(Object.keys(model.capabilities).sort(), ["plan", "reasoning", "text", "tools", "vision"]);

    // listAuthStates: Record<providerId, ProviderAuthState>
    const before = await client.listAuthStates();
    assert.equal(before.anthropic?.status, "disconnected");
    assert.equal(before.anthropic?.method, "none");
    assert.equal(before.anthropic?.accountLabel, null);
    assert.ok(!Number.isNaN(Date.parse(before.anthropic?.updatedAt ?? "")));

    // setToken / clearToken: {ok: true}
    assert.deepEqual(await client.setToken("anthropic", API_KEY), { ok: true });
    const set = await client.listAuthStates();
    assert.equal(set.anthropic?.status, "connected");
    assert.equal(set.anthropic?.method, "api");
    assert.ok(!JSON.stringify(set).includes(API_KEY), "no secret in auth states");
    assert.equal((await client.listProviderCatalog())[0].id, "anthropic", "connected providers come first");
    assert.deepEqual(await client.clearToken("anthropic"), { ok: true });
    assert.equal((await client.listAuthStates()).anthropic?.status, "disconnected");

    // oauthAuthorize / oauthCallback: the "auto" device flow against the local token endpoint
    const progress: ProgressParams[] = [];
    sidecar.onProgress((p) => progress.push(p));
    const started = await client.oauthAuthorize("github-copilot", 0, { deploymentType: "github.com" });
    assert.equal(started.providerId, "github-copilot");
    assert.equal(started.method, "auto");
    assert.equal(started.url, "https://github.com/login/device");
    assert.match(started.instructions, /ABCD-1234/);
    let status = "pending";
    for (let attempt = 0; attempt < 100 && status === "pending"; attempt += 1) {
      status = (await client.oauthCallback("github-copilot", 0, started.authorizationId)).status;
      if (status === "pending") await sleep(50);
    }
    assert.equal(status, "connected");
    const states = await client.listAuthStates();
    assert.equal(states["github-copilot"]?.status, "connected");
    assert.equal(states["github-copilot"]?.method, "oauth");
    assert.ok(!JSON.stringify(states).includes(GITHUB_TOKEN));
    const signIn = progress.filter((p) => p.token === started.authorizationId).map((p) => p.value);
    assert.equal(signIn[0]?.kind, "begin");
    assert.equal(signIn[0]?.kind === "begin" ? signIn[0].providerId : undefined, "github-copilot");
    assert.ok(github.requests.some((r) => r.url === "/login/oauth/access_token" && r.body.includes("dev-ts-1")));

    // getPreferences / updatePreferences
    const defaults = await client.getPreferences();
    assert.equal(defaults.selectedProviderId, null);
    assert.equal(defaults.hybridEnabled, true);
    const updated = await client.updatePreferences({ selectedProviderId: "anthropic", selectedModelId: "claude-sonnet-4-5", hybridEnabled: false });
    assert.equal(updated.selectedProviderId, "anthropic");
    assert.equal(updated.selectedModelId, "claude-sonnet-4-5");
    assert.equal(updated.hybridEnabled, false);
    const partial = await client.updatePreferences({ selectedModelId: null });
    assert.equal(partial.selectedProviderId, "anthropic", "an absent field is kept");
    assert.equal(partial.selectedModelId, null, "null clears");
    assert.deepEqual(await client.getPreferences(), partial);

    await client.close();
    assert.equal(sidecar.process?.exitCode, null, "close() leaves a sidecar it was given running");
  } finally {
    await sidecar.close();
    await github.stop();
  }
});

test("listAuthStates answers {} on any failure", async () => {
  const sidecar = await spawnTest({ config: { auth: { store: "vault" } } });
  try {
    const client = createProviderClient({ sidecar });
    await assert.rejects(sidecar.authStatus(), /auth\.store|store/);
    assert.deepEqual(await client.listAuthStates(), {});
  } finally {
    await sidecar.close();
  }
  const unreachable = createProviderClient({ spawn: { binaryPath: `${tempDir()}/missing-binary`, stderr: "ignore" } });
  assert.deepEqual(await unreachable.listAuthStates(), {});
});

test("createProviderClient without a sidecar spawns one on first use and close() ends it", async () => {
  const client = createProviderClient({
    spawn: { binaryPath: BIN, dataDir: tempDir(), stderr: "ignore", env: { ...process.env, PROVIDER_SIDECAR_DISABLE_MODELS_FETCH: "1" } },
  });
  const providers = await client.listProviders();
  assert.ok(providers.length > 100);
  await client.close();
});
