// MiniSearch baseline over the same catalog and relevance queries as benches/search.rs,
// configured like the desktop app's picker: fuzzy 0.2 on terms of 4+ characters, prefix,
// the app's alias expansion (zen / z.ai -> zai, kimi -> moonshot, coding plan -> zai-coding-plan)
// and its field priorities (provider id > provider name > model name > model id), connected
// first (nothing is connected in the fixture). Prints a summary and a BENCH_JSON line.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import MiniSearch from "minisearch";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const catalog = JSON.parse(readFileSync(join(root, "fixtures", "models-dev", "api.json"), "utf8"));
const relevance = JSON.parse(readFileSync(join(root, "fixtures", "search", "relevance.json"), "utf8"));

const BUILD_RUNS = 30;
const QUERY_ROUNDS = 300;
const LIMIT = 20;

// The app's aliases (CONTRACT-desktop.md), longest phrase first.
const ALIASES = [
  ["z.ai coding plan", "zai-coding-plan"],
  ["zai coding plan", "zai-coding-plan"],
  ["coding plan", "zai-coding-plan"],
  ["opencode zen", "zai"],
  ["z.ai", "zai"],
  ["z ai", "zai"],
  ["zen", "zai"],
  ["kimi", "moonshotai"],
];

function expandAliases(query) {
  let q = ` ${query.toLowerCase()} `;
  for (const [phrase, id] of ALIASES) {
    q = q.split(` ${phrase} `).join(` ${phrase} ${id} `);
  }
  return q.trim();
}

const docs = [];
for (const [key, p] of Object.entries(catalog)) {
  const providerId = p.id ?? key;
  for (const [modelKey, m] of Object.entries(p.models ?? {})) {
    const modelId = m.id ?? modelKey;
    docs.push({
      id: `${providerId}/${modelId}`,
      providerId,
      providerName: p.name ?? providerId,
      modelId,
      modelName: m.name ?? modelId,
      family: m.family ?? "",
    });
  }
}

const options = {
  fields: ["providerId", "providerName", "modelName", "modelId", "family"],
  storeFields: [],
  searchOptions: {
    boost: { providerId: 4, providerName: 3, modelName: 2, modelId: 1.5, family: 1 },
    prefix: true,
    fuzzy: (term) => (term.length >= 4 ? 0.2 : false),
    combineWith: "AND",
  },
};

function build() {
  const ms = new MiniSearch(options);
  ms.addAll(docs);
  return ms;
}

function search(ms, query) {
  const q = expandAliases(query);
  let results = ms.search(q);
  if (results.length === 0) results = ms.search(q, { combineWith: "OR" });
  return results.slice(0, LIMIT);
}

// Wall clock and process CPU time (ms); CPU time stays meaningful on a loaded machine.
const cpuMs = (since) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};
const buildTimes = [];
const buildCpu = [];
let index;
for (let i = 0; i < BUILD_RUNS; i++) {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  index = build();
  buildCpu.push(cpuMs(cpu));
  buildTimes.push(Number(process.hrtime.bigint() - start) / 1e6);
}
buildTimes.sort((a, b) => a - b);
buildCpu.sort((a, b) => a - b);

let hits = 0;
const misses = [];
for (const c of relevance.queries) {
  const top = search(index, c.query).slice(0, 3).map((r) => r.id);
  if (c.expect.every((k) => top.includes(k))) hits++;
  else misses.push(c.query);
}

for (const c of relevance.queries) search(index, c.query);
const samples = [];
const cpuSamples = [];
for (let r = 0; r < QUERY_ROUNDS; r++) {
  for (const c of relevance.queries) {
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    search(index, c.query);
    cpuSamples.push(cpuMs(cpu));
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
}
samples.sort((a, b) => a - b);
cpuSamples.sort((a, b) => a - b);
const pct = (s, p) => s[Math.min(s.length - 1, Math.round((s.length - 1) * p))];
const cpuMean = cpuSamples.reduce((a, b) => a + b, 0) / cpuSamples.length;
const n = relevance.queries.length;

console.log(`MiniSearch ${JSON.parse(readFileSync(join(here, "node_modules", "minisearch", "package.json"), "utf8")).version}, ${docs.length} models, ${n} queries`);
console.log(`  index build    cpu median ${pct(buildCpu, 0.5).toFixed(2)} ms | wall median ${pct(buildTimes, 0.5).toFixed(2)} ms`);
console.log(
  `  query latency  cpu p50 ${pct(cpuSamples, 0.5).toFixed(3)} ms  p99 ${pct(cpuSamples, 0.99).toFixed(3)} ms  mean ${cpuMean.toFixed(3)} ms` +
    ` | wall p50 ${pct(samples, 0.5).toFixed(3)} ms  p99 ${pct(samples, 0.99).toFixed(3)} ms`,
);
console.log(`  top-3 hit rate ${hits}/${n} = ${((hits / n) * 100).toFixed(1)}%`);
for (const m of misses) console.log(`    miss: ${JSON.stringify(m)}`);
console.log(
  "BENCH_JSON " +
    JSON.stringify({
      engine: "MiniSearch (npm)",
      models: docs.length,
      queries: n,
      buildCpuMs: pct(buildCpu, 0.5),
      buildWallMs: pct(buildTimes, 0.5),
      p50CpuMs: pct(cpuSamples, 0.5),
      p99CpuMs: pct(cpuSamples, 0.99),
      meanCpuMs: cpuMean,
      p50WallMs: pct(samples, 0.5),
      p99WallMs: pct(samples, 0.99),
      hits,
      hitRate: hits / n,
    }),
);
