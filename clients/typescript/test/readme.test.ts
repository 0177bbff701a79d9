// The README's first example runs as written (its import pointed at this build).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";

import ts from "typescript";

import { BIN, tempDir } from "./support";

test("the README's example runs", async () => {
  const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
  const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(example, "a ts block in the README");
  const source = example.replace('"@provider-sidecar/client"', JSON.stringify(join(__dirname, "..", "src")));
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  const { stdout } = await promisify(execFile)(process.execPath, ["-e", outputText], {
    env: { ...process.env, PROVIDER_SIDECAR_BIN: BIN, PROVIDER_SIDECAR_DISABLE_MODELS_FETCH: "1", XDG_DATA_HOME: tempDir() },
  });
  const lines = stdout.trim().split("\n");
  assert.equal(lines.length, 4, stdout);
  for (const line of lines.slice(0, 3)) assert.match(line, /^\S+\/claude-sonnet\S* \d+$/);
  assert.equal(lines[3], "exit code 0");
});
