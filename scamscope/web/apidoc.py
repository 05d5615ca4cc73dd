"""A readable API reference, rendered on the server from the app's own OpenAPI document.

FastAPI's /docs and /redoc pages load their scripts from a CDN, which the content
security policy (and an offline machine) refuses; this page needs no script at all.
"""
from __future__ import annotations

from typing import Any

METHODS = ("get", "post", "put", "patch", "delete")


def type_of(schema: dict[str, Any] | None) -> str:
    """A short type name for a JSON schema: string, integer, string[], SearchOut, …"""
    if not schema:
        return "any"
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            kinds = [type_of(s) for s in schema[key] if s.get("type") != "null"]
            return " | ".join(dict.fromkeys(kinds)) or "null"
    if schema.get("type") == "array":
        return type_of(schema.get("items")) + "[]"
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    return str(schema.get("type") or "object")


def _response(status: str, data: dict[str, Any]) -> dict[str, str]:
    content = data.get("content") or {}
    kind = next(iter(content), "")
    schema = (content.get(kind) or {}).get("schema")
    return {"status": status, "description": data.get("description", ""),
            "type": type_of(schema) if schema else "", "media": kind}


def operations(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Every operation of the document, in path order, flattened for a template."""
    out = []
    for path, item in (doc.get("paths") or {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = [{"name": p["name"], "where": p.get("in", ""),
                       "type": type_of(p.get("schema")), "required": p.get("required", False),
                       "description": p.get("description")
                       or (p.get("schema") or {}).get("description", "")}
                      for p in op.get("parameters") or []]
            body = ((op.get("requestBody") or {}).get("content") or {}).get("application/json")
            out.append({
                "method": method.upper(), "path": path, "summary": op.get("summary", ""),
                "description": op.get("description", ""), "params": params,
                "body": type_of(body.get("schema")) if body else "",
                "auth": bool(op.get("security")),
                "responses": [_response(code, data)
                              for code, data in sorted((op.get("responses") or {}).items())],
                "anchor": f"{method}-{path.strip('/').replace('/', '-').replace('{', '').replace('}', '')}",
            })
    return out


def schemas(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The document's named schemas with their fields."""
    out = []
    for name, schema in sorted(((doc.get("components") or {}).get("schemas") or {}).items()):
        required = set(schema.get("required") or ())
        fields = [{"name": field, "type": type_of(spec), "required": field in required,
                   "description": spec.get("description", "")}
                  for field, spec in (schema.get("properties") or {}).items()]
        out.append({"name": name, "description": schema.get("description", ""),
                    "fields": fields})
    return out
