// Generates the client's types and typed methods from the sidecar's OpenRPC document
// (../../schema/openrpc.json), with json-schema-to-typescript. `--check` compares instead of
// writing and fails when the committed files are stale.
//
//   src/generated/contract.ts  every schema component, the params of every method, and the
//                              method / notification maps (RpcMethods, RpcNotifications)
//   src/generated/methods.ts   SidecarMethods: one typed method per RPC method and one
//                              typed `on...` handler per notification
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { compile } from "json-schema-to-typescript";
import { format } from "prettier";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const documentPath = join(packageDir, "..", "..", "schema", "openrpc.json");
const outDir = join(packageDir, "src", "generated");
const check = process.argv.includes("--check");

/** Methods whose wrapper the client writes itself (chat/stream is an async iterator). */
const HANDWRITTEN = new Set(["chat/stream"]);

const document = JSON.parse(readFileSync(documentPath, "utf8"));
const components = document.components.schemas;

/**
 * `#/components/schemas/X` → `#/definitions/X`, everywhere in a schema. A reference with sibling
 * keywords (a property's description or default) would become a copy of the type under a new
 * name (`X1`), so it names the type instead (`tsType`), keeping the description.
 */
function retarget(schema) {
  if (Array.isArray(schema)) return schema.map(retarget);
  if (schema === null || typeof schema !== "object") return schema;
  if (typeof schema.$ref === "string") {
    const target = schema.$ref.replace("#/components/schemas/", "#/definitions/");
    const { $ref, ...siblings } = schema;
    if (Object.keys(siblings).length === 0) return { $ref: target };
    return { ...siblings, tsType: target.slice("#/definitions/".length) };
  }
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, retarget(v)]));
}

/** `auth/oauth/authorize` → `AuthOauthAuthorize`, `$/progress` → `Progress`. */
function pascal(name) {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join("");
}

function camel(name) {
  const p = pascal(name);
  return p[0].toLowerCase() + p.slice(1);
}

const definitions = {};
for (const [name, schema] of Object.entries(components)) {
  definitions[name] = { ...retarget(schema), title: name };
}

/**
 * The params object of a by-name method, as one named type: the component of the same name when
 * it has exactly these properties, else a type made from the param list.
 */
function paramsType(method) {
  const name = `${pascal(method.name)}Params`;
  const names = method.params.map((p) => p.name).sort();
  const existing = components[name];
  if (existing) {
    const props = Object.keys(existing.properties ?? {}).sort();
    if (JSON.stringify(props) === JSON.stringify(names)) return name;
    throw new Error(`${method.name}: component ${name} differs from the method's params`);
  }
  definitions[name] = {
    title: name,
    description: `Params of \`${method.name}\`.`,
    type: "object",
    properties: Object.fromEntries(method.params.map((p) => [p.name, retarget(p.schema)])),
    required: method.params.filter((p) => p.required).map((p) => p.name),
  };
  return name;
}

const methods = document.methods.map((method) => ({
  name: method.name,
  summary: method.summary ?? "",
  params: method.params.length === 0 ? null : paramsType(method),
  paramsRequired: method.params.some((p) => p.required),
  result: retarget(method.result.schema),
}));
const notifications = document["x-notifications"].map((n) => ({
  name: n.name,
  summary: n.summary ?? "",
  params: retarget(n.params.schema),
}));

const root = {
  title: "SidecarContract",
  description: "Every method's params and result, and every notification's params.",
  type: "object",
  properties: {
    methods: {
      type: "object",
      properties: Object.fromEntries(
        methods.map((m) => [
          m.name,
          {
            type: "object",
            description: m.summary,
            properties: {
              params: m.params ? { $ref: `#/definitions/${m.params}` } : { type: "null" },
              result: m.result,
            },
            required: ["params", "result"],
          },
        ]),
      ),
      required: methods.map((m) => m.name),
    },
    notifications: {
      type: "object",
      properties: Object.fromEntries(
        notifications.map((n) => [n.name, n.params]),
      ),
      required: notifications.map((n) => n.name),
    },
  },
  required: ["methods", "notifications"],
  definitions,
};

const banner = (what) =>
  `// Generated from schema/openrpc.json by scripts/generate.mjs (${what}). Do not edit:\n` +
  `// run \`npm run generate\` after \`cargo run -- schema --out schema\`.\n`;

const types = await compile(root, "SidecarContract", {
  bannerComment: banner("json-schema-to-typescript"),
  additionalProperties: false,
  unreachableDefinitions: true,
  declareExternallyReferenced: true,
  strictIndexSignatures: false,
  format: true,
  style: { printWidth: 100 },
});

const contract =
  types +
  `
/** Params and result of every RPC method, by method name. */
export type RpcMethods = SidecarContract["methods"];
/** Every RPC method name. */
export type MethodName = keyof RpcMethods;
export type MethodParams<M extends MethodName> = RpcMethods[M]["params"];
export type MethodResult<M extends MethodName> = RpcMethods[M]["result"];
/** Params of every notification the sidecar sends, by notification name. */
export type RpcNotifications = SidecarContract["notifications"];
export type NotificationName = keyof RpcNotifications;

/** The method names of the contract, in its order. */
export const METHOD_NAMES: readonly MethodName[] = ${JSON.stringify(methods.map((m) => m.name))};
/** The notification names of the contract, in its order. */
export const NOTIFICATION_NAMES: readonly NotificationName[] = ${JSON.stringify(notifications.map((n) => n.name))};
`;

function doc(text, indent) {
  const lines = text.split("\n");
  return `${indent}/**\n${lines.map((l) => `${indent} * ${l}`.trimEnd()).join("\n")}\n${indent} */\n`;
}

const wrappers = methods
  .filter((m) => !HANDWRITTEN.has(m.name))
  .map((m) => {
    const result = `MethodResult<${JSON.stringify(m.name)}>`;
    const head = doc(`\`${m.name}\`: ${m.summary}`, "  ");
    if (!m.params) {
      return `${head}  ${camel(m.name)}(options?: CallOptions): Promise<${result}> {\n    return this.call(${JSON.stringify(m.name)}, null, options);\n  }\n`;
    }
    const param = m.paramsRequired ? `params: ${m.params}` : `params: ${m.params} = {}`;
    return `${head}  ${camel(m.name)}(${param}, options?: CallOptions): Promise<${result}> {\n    return this.call(${JSON.stringify(m.name)}, params, options);\n  }\n`;
  });
const handlers = notifications.map((n) => {
  const head = doc(`\`${n.name}\`: ${n.summary}`, "  ");
  return `${head}  on${pascal(n.name)}(handler: (params: RpcNotifications[${JSON.stringify(n.name)}]) => void): Disposable {\n    return this.onNotification(${JSON.stringify(n.name)}, handler);\n  }\n`;
});
const paramTypes = [...new Set(methods.filter((m) => m.params && !HANDWRITTEN.has(m.name)).map((m) => m.params))];

const methodsFile = `${banner("method wrappers")}
import type { Disposable } from "vscode-jsonrpc";
import type {
  MethodName,
  MethodParams,
  MethodResult,
  NotificationName,
  RpcNotifications,
${paramTypes.map((t) => `  ${t},`).join("\n")}
} from "./contract";

/** Options of one call. */
export interface CallOptions {
  /** Aborting sends \`$/cancelRequest\`; the call then fails with code -32800. */
  signal?: AbortSignal;
}

/** One typed method per RPC method of the contract, and one typed handler per notification. */
export abstract class SidecarMethods {
  /** Sends one request and resolves with its result (rejects with a SidecarError). */
  protected abstract call<M extends MethodName>(
    method: M,
    params: MethodParams<M>,
    options?: CallOptions,
  ): Promise<MethodResult<M>>;

  /** Registers a handler for one notification. */
  abstract onNotification<N extends NotificationName>(
    name: N,
    handler: (params: RpcNotifications[N]) => void,
  ): Disposable;

${[...wrappers, ...handlers].join("\n")}}
`;

const prettierOptions = { parser: "typescript", printWidth: 100 };
const outputs = [
  [join(outDir, "contract.ts"), await format(contract, prettierOptions)],
  [join(outDir, "methods.ts"), await format(methodsFile, prettierOptions)],
];
let stale = [];
for (const [path, text] of outputs) {
  if (check) {
    let current = null;
    try {
      current = readFileSync(path, "utf8");
    } catch {}
    if (current !== text) stale.push(relative(packageDir, path));
  } else {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
}
if (stale.length > 0) {
  console.error(
    `stale generated files: ${stale.join(", ")}; run \`npm run generate\` in clients/typescript`,
  );
  process.exit(1);
}
console.log(check ? "generated files are up to date" : `wrote ${outputs.length} files`);
