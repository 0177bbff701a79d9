"""Generates the client's types and typed methods from the sidecar's OpenRPC document.

    provider_sidecar_client/contract.py  TypedDicts of every schema component and every method's
                                         params (datamodel-code-generator, pinned in
                                         requirements-dev.txt)
    provider_sidecar_client/methods.py   SidecarMethods / AsyncSidecarMethods: one typed method
                                         per RPC method, one `on_...` handler per notification

Run with the dev environment's python (`.venv-dev/bin/python scripts/generate.py`); `--check`
compares instead of writing and exits 1 when the committed files are stale.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DOCUMENT = PACKAGE_DIR.parent.parent / "schema" / "openrpc.json"
OUT = PACKAGE_DIR / "provider_sidecar_client"
# chat/stream is written by hand: it is an iterator of stream parts.
HANDWRITTEN = {"chat/stream"}
HEADER = (
    "# Generated from schema/openrpc.json by scripts/generate.py ({what}). Do not edit:\n"
    "# run it after `cargo run -- schema --out schema`.\n"
)


def retarget(schema):
    """`#/components/schemas/X` → `#/$defs/X` everywhere in a schema."""
    return json.loads(json.dumps(schema).replace('"#/components/schemas/', '"#/$defs/'))


def pascal(name: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in re.split(r"[^A-Za-z0-9]+", name) if w)


def snake(name: str) -> str:
    words = re.split(r"[^A-Za-z0-9]+", name)
    return "_".join(re.sub(r"(?<!^)(?=[A-Z])", "_", w).lower() for w in words if w)


def build(document: dict) -> tuple[dict, list[dict], list[dict]]:
    components = document["components"]["schemas"]
    defs = {name: retarget(schema) for name, schema in components.items()}
    methods = []
    for method in document["methods"]:
        params = method["params"]
        params_type = None
        if params:
            params_type = f"{pascal(method['name'])}Params"
            names = sorted(p["name"] for p in params)
            existing = components.get(params_type)
            if existing is not None:
                if sorted(existing.get("properties", {})) != names:
                    raise SystemExit(f"{method['name']}: component {params_type} differs from its params")
            else:
                defs[params_type] = {
                    "title": params_type,
                    "description": f"Params of `{method['name']}`.",
                    "type": "object",
                    "properties": {p["name"]: retarget(p["schema"]) for p in params},
                    "required": [p["name"] for p in params if p.get("required")],
                }
        result = method["result"]["schema"]
        ref = result.get("$ref", "")
        methods.append(
            {
                "name": method["name"],
                "summary": method.get("summary", ""),
                "params": params_type,
                "params_required": any(p.get("required") for p in params),
                "result": ref.rsplit("/", 1)[-1] if ref else "None",
            }
        )
    notifications = [
        {
            "name": n["name"],
            "summary": n.get("summary", ""),
            "params": n["params"]["schema"]["$ref"].rsplit("/", 1)[-1],
        }
        for n in document["x-notifications"]
    ]
    # Every definition is reachable from the root, so every one becomes a type.
    root = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "SidecarContract",
        "description": "Every type of the contract (this class itself is only their root).",
        "type": "object",
        "properties": {name: {"$ref": f"#/$defs/{name}"} for name in sorted(defs)},
        "$defs": defs,
    }
    return root, methods, notifications


def contract_source(root: dict) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        schema = Path(tmp) / "contract.json"
        output = Path(tmp) / "contract.py"
        schema.write_text(json.dumps(root))
        subprocess.run(
            [
                sys.executable, "-m", "datamodel_code_generator",
                "--input", str(schema), "--input-file-type", "jsonschema",
                "--output", str(output),
                "--output-model-type", "typing.TypedDict",
                "--target-python-version", "3.11",
                "--formatters", "builtin",
                "--disable-timestamp",
                "--use-schema-description", "--use-field-description",
                "--custom-file-header", HEADER.format(what="datamodel-code-generator").rstrip("\n"),
            ],
            check=True,
            stderr=subprocess.DEVNULL,
        )
        return output.read_text()


def docstring(text: str, indent: str) -> str:
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return f'{indent}"""{text}"""\n'


def methods_source(methods: list[dict], notifications: list[dict]) -> str:
    names = sorted(
        {m["params"] for m in methods if m["params"] and m["name"] not in HANDWRITTEN}
        | {m["result"] for m in methods if m["result"] != "None" and m["name"] not in HANDWRITTEN}
        | {n["params"] for n in notifications}
    )
    out = [HEADER.format(what="method wrappers"), "\n"]
    out.append("from __future__ import annotations\n\n")
    out.append("from typing import Any, Callable\n\n")
    out.append("from .contract import (\n" + "".join(f"    {n},\n" for n in names) + ")\n\n")
    out.append(f"METHOD_NAMES = {json.dumps([m['name'] for m in methods])}\n")
    out.append(f"NOTIFICATION_NAMES = {json.dumps([n['name'] for n in notifications])}\n\n")
    for is_async in (False, True):
        cls = "AsyncSidecarMethods" if is_async else "SidecarMethods"
        prefix = "async " if is_async else ""
        wait = "await " if is_async else ""
        out.append(f"\nclass {cls}:\n")
        out.append(docstring(
            "One typed method per RPC method of the contract, one handler per notification"
            + (" (asyncio)." if is_async else "."), "    "))
        out.append(f"\n    {prefix}def _call(self, method: str, params: Any) -> Any:\n")
        out.append("        raise NotImplementedError\n\n")
        out.append("    def on_notification(self, name: str, handler: Callable[[Any], None]) -> Callable[[], None]:\n")
        out.append("        raise NotImplementedError\n")
        for m in methods:
            if m["name"] in HANDWRITTEN:
                continue
            fn = snake(m["name"])
            result = m["result"]
            if m["params"] is None:
                signature = f"(self) -> {result}"
                call = f'self._call("{m["name"]}", None)'
            elif m["params_required"]:
                signature = f"(self, params: {m['params']}) -> {result}"
                call = f'self._call("{m["name"]}", params)'
            else:
                signature = f"(self, params: {m['params']} | None = None) -> {result}"
                call = f'self._call("{m["name"]}", params if params is not None else {{}})'
            out.append(f"\n    {prefix}def {fn}{signature}:\n")
            out.append(docstring(f"`{m['name']}`: {m['summary']}", "        "))
            out.append(f"        return {wait}{call}  # type: ignore[no-any-return]\n")
        for n in notifications:
            fn = "on_" + snake(n["name"])
            out.append(
                f"\n    def {fn}(self, handler: Callable[[{n['params']}], None]) -> Callable[[], None]:\n"
            )
            out.append(docstring(f"`{n['name']}`: {n['summary']} Returns a function that removes the handler.", "        "))
            out.append(f'        return self.on_notification("{n["name"]}", handler)\n')
    return "".join(out)


def main() -> int:
    check = "--check" in sys.argv[1:]
    root, methods, notifications = build(json.loads(DOCUMENT.read_text()))
    outputs = {
        OUT / "contract.py": contract_source(root),
        OUT / "methods.py": methods_source(methods, notifications),
    }
    stale = []
    for path, text in outputs.items():
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(str(path.relative_to(PACKAGE_DIR)))
        else:
            path.write_text(text)
    if stale:
        print(f"stale generated files: {', '.join(stale)}; run scripts/generate.py", file=sys.stderr)
        return 1
    print("generated files are up to date" if check else f"wrote {len(outputs)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
