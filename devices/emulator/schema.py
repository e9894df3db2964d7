"""Validation of request bodies against WAHA's own openapi.json, so a wrong body fails here, not in prod.

The file is ``WAHA_OPENAPI_PATH`` or the copy beside this module (2026.7.1). For each path+method the
spec names a ``requestBody`` schema; we validate with JSON Schema 2020-12, ``$ref``s resolved inside
the file. Before that, a few spots are adjusted to what WAHA really accepts, each for a reason:

- ``nullable: true`` (an OpenAPI 3.0 leftover) and optional properties accept ``null``: class-validator's
  ``@IsOptional`` lets null through, and callers send ``"reply_to": null`` (API.md §3);
- on the endpoints behind WAHA's validation pipe (session create/update), a required property that has
  a ``default`` is not required, because the pipe fills it in (``noweb.markOnline``). Elsewhere there
  is no pipe and no default is applied, so ``text`` stays required on sendText; ``session`` on send
  endpoints is checked before this, because WAHA answers its absence with a 422, not a 400;
- ``WebhookConfig.events`` items are typed ``object`` in the spec but WAHA validates them against
  its event enum plus ``"*"``; unknown event names are a 400 (API.md §2);
- ``required: true`` inside a property (invalid JSON Schema) is dropped.
Extra properties stay allowed, as the spec never says ``additionalProperties: false``.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import pathlib
import re

from jsonschema import Draft202012Validator

DEFAULT_PATH = pathlib.Path(__file__).with_name("openapi.json")


@functools.lru_cache(maxsize=4)
def load_spec(path: str | None = None) -> dict:
    path = path or os.environ.get("WAHA_OPENAPI_PATH") or str(DEFAULT_PATH)
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


@functools.lru_cache(maxsize=4)
def validator_for(path: str | None = None) -> RequestValidator:
    """One validator per spec file: building it walks the whole spec, too slow to repeat per emulator."""
    return RequestValidator(load_spec(path))


def _event_names(spec: dict) -> list[str]:
    for schema in spec["components"]["schemas"].values():
        event = (schema.get("properties") or {}).get("event") or {}
        if "session.status" in (event.get("enum") or []):
            return list(event["enum"])
    raise ValueError("openapi.json has no webhook event enum")


def _allow_null(schema: dict) -> dict:
    return {"anyOf": [{"type": "null"}, schema]}


# Endpoints with WAHAValidationPipe (API.md §1): the only ones where DTO defaults are applied.
PIPED = {("POST", "/api/sessions"), ("PUT", "/api/sessions/{session}"), ("POST", "/api/sessions/start")}


def _relax(node, piped: bool):
    """Apply the WAHA-leniency adjustments listed in the module docstring, recursively."""
    if isinstance(node, list):
        return [_relax(item, piped) for item in node]
    if not isinstance(node, dict):
        return node
    node = {k: _relax(v, piped) for k, v in node.items()}
    if not isinstance(node.get("required", []), list):
        node.pop("required")
    props = node.get("properties")
    if isinstance(props, dict):
        required = [
            name for name in node.get("required", []) if not (piped and "default" in props.get(name, {}))
        ]
        if "required" in node:
            node["required"] = required
        node["properties"] = {
            name: (sub if name in required else _allow_null(sub)) for name, sub in props.items()
        }
    if node.pop("nullable", False):
        node = _allow_null(node)
    return node


class RequestValidator:
    """``errors(method, path, body)`` → list of readable messages; empty when valid or unchecked."""

    def __init__(self, spec: dict | None = None):
        spec = copy.deepcopy(spec or load_spec())
        events = _event_names(spec) + ["*"]
        spec["components"]["schemas"]["WebhookConfig"]["properties"]["events"]["items"] = {"enum": events}
        self.components = {True: _relax(spec["components"], True), False: _relax(spec["components"], False)}
        self.routes = []  # (literal segment count, method, regex, schema ref, piped)
        for template, operations in spec["paths"].items():
            for method, operation in operations.items():
                content = (operation.get("requestBody") or {}).get("content") or {}
                schema = (content.get("application/json") or {}).get("schema")
                if schema:
                    pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
                    literal = sum(1 for part in template.split("/") if part and not part.startswith("{"))
                    piped = (method.upper(), template) in PIPED
                    self.routes.append((literal, method.upper(), re.compile(f"^{pattern}$"), schema, piped))
        self.routes.sort(key=lambda route: -route[0])  # /groups/count before /groups/{id}
        self._validators = {}

    def schema_for(self, method: str, path: str):
        """(schema, piped) of the request body for this call, or (None, False) when it has none."""
        for _literal, route_method, regex, schema, piped in self.routes:
            if route_method == method and regex.match(path):
                return schema, piped
        return None, False

    def errors(self, method: str, path: str, body) -> list[str]:
        schema, piped = self.schema_for(method, path)
        if schema is None:
            return []
        key = (json.dumps(schema, sort_keys=True), piped)
        validator = self._validators.get(key)
        if validator is None:
            validator = Draft202012Validator({**schema, "components": self.components[piped]})
            self._validators[key] = validator
        messages = []
        for error in validator.iter_errors(body):
            for leaf in _leaves(error):
                where = ".".join(str(p) for p in leaf.absolute_path) or "body"
                message = f"{where}: {leaf.message[:300]}"
                if message not in messages:
                    messages.append(message)
        return sorted(messages)


def _leaves(error) -> list:
    """The errors worth showing: inside anyOf/oneOf, skip the ``null`` branch we added and descend."""
    if error.validator in ("anyOf", "oneOf") and error.context:
        leaves = []
        for sub in error.context:
            if error.validator_value[sub.relative_schema_path[0]] == {"type": "null"}:
                continue
            leaves.extend(_leaves(sub))
        return leaves or [error]
    return [error]
