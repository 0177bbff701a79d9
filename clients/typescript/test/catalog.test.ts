// Catalog, models and search over the embedded catalog, and a refresh from a local models.dev
// with its typed `$/progress` and `catalog/changed` notifications.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import { SidecarError, type CatalogDiff, type ProgressParams } from "../src";
import { MockServer, REPO, spawnTest, waitUntil } from "./support";

test("catalog status, providers and models from the embedded catalog", async () => {
  const sidecar = await spawnTest();
  try {
    const status = await sidecar.catalogStatus();
    assert.equal(status.source, "embedded");
    assert.ok(status.providerCount > 100 && status.modelCount > 1000, JSON.stringify(status));
    const { providers } = await sidecar.providerList();
    assert.equal(providers.length, status.providerCount);
    const anthropic = await sidecar.providerGet({ providerId: "anthropic" });
    assert.equal(anthropic.name, "Anthropic");
    assert.deepEqual(anthropic.auth, { kind: "token" });
    const { models } = await sidecar.modelList({ providerId: "anthropic" });
    assert.ok(models.length > 5);
    for (const model of models) {
      assert.equal(model.providerId, "anthropic");
      assert.ok(model.id.startsWith("anthropic/"), model.id);
      assert.equal(typeof model.capabilities.tools, "boolean");
    }
    const one = await sidecar.modelGet({ providerId: "anthropic", modelId: models[0].id.slice("anthropic/".length) });
    assert.equal(one.id, models[0].id);
  } finally {
    await sidecar.close();
  }
});

test("model and provider search are typo-tolerant", async () => {
  const sidecar = await spawnTest();
  try {
    const { results } = await sidecar.modelSearch({ query: "claude sonet", limit: 3 });
    assert.equal(results.length, 3);
    for (const hit of results) {
      assert.match(hit.model.id, /claude-sonnet/, hit.model.id);
    }
    const filtered = await sidecar.modelSearch({ query: "gpt", limit: 5, filters: { providerId: "openai" } });
    assert.ok(filtered.results.length > 0);
    assert.ok(filtered.results.every((hit) => hit.model.providerId === "openai"));
    const providers = await sidecar.providerSearch({ query: "kimi", limit: 3 });
    assert.equal(providers.results[0].providerId, "moonshotai");
    assert.ok(providers.results[0].aliases.includes("kimi"));
  } finally {
    await sidecar.close();
  }
});

test("catalog/refresh reports typed $/progress and catalog/changed", async () => {
  const catalog = JSON.parse(readFileSync(join(REPO, "fixtures", "models-dev", "api.json"), "utf8"));
  const removedModels = Object.keys(catalog["abliteration-ai"].models).length;
  delete catalog["abliteration-ai"];
  catalog.anthropic.models["claude-test-9"] = { ...catalog.anthropic.models["claude-sonnet-4-5"], id: "claude-test-9", name: "Claude Test 9" };
  const changed = JSON.stringify(catalog);
  let serve = false;
  const mock = await MockServer.start((_req, res) => {
    if (!serve) res.writeHead(500).end("not yet");
    else res.writeHead(200, { "content-type": "application/json" }).end(changed);
  });
  const sidecar = await spawnTest({ config: { catalog: { url: mock.url, fetch: true } } });
  const progress: ProgressParams[] = [];
  const diffs: CatalogDiff[] = [];
  sidecar.onProgress((params) => progress.push(params));
  sidecar.onCatalogChanged((diff) => diffs.push(diff));
  try {
    await assert.rejects(sidecar.catalogRefresh({}), (e) => e instanceof SidecarError && e.kind === "catalog_unavailable");
    // The background refresh after start fails as well before the mock serves the catalog.
    await waitUntil("the background refresh", () => mock.requests.length >= 2);
    serve = true;
    const result = await sidecar.catalogRefresh({ workDoneToken: 42 });
    assert.equal(result.outcome, "updated");
    const mine = progress.filter((p) => p.token === 42).map((p) => p.value.kind);
    assert.equal(mine[0], "begin");
    assert.equal(mine.at(-1), "end");
    assert.ok(mine.includes("report"), mine.join(","));
    assert.equal(diffs.length, 1);
    assert.deepEqual(
      { ...diffs[0], modelsChanged: 0 },
      {
        providersAdded: 0,
        providersRemoved: 1,
        modelsAdded: 1,
        modelsRemoved: removedModels,
        modelsChanged: 0,
        providerCount: Object.keys(catalog).length,
        modelCount: Object.values(catalog).reduce((n: number, p) => n + Object.keys((p as { models: object }).models).length, 0),
      },
    );
    assert.deepEqual(result.diff, diffs[0]);
    assert.equal((await sidecar.catalogStatus()).source, "remote");
  } finally {
    await sidecar.close();
    await mock.stop();
  }
});
