"""config/error_codes.py is the one catalogue of API error codes: nothing raises a code it does not list, it lists
nothing that no one raises, and the OpenAPI schema publishes it (issue 21 #11)."""
import ast
import importlib
from pathlib import Path

from config.error_codes import CODES
from config.errors import UserError
from tests.source_trees import parse_file

ROOT = Path(__file__).resolve().parents[1]
# Codes DRF itself answers with (its exceptions' default_code), rendered by config.errors.api_exception_handler.
FROM_DRF = {"parse_error", "method_not_allowed", "unsupported_media_type", "not_acceptable", "not_authenticated",
            "authentication_failed", "throttled", "permission_denied", "not_found"}
OTHER_RAISERS = {"AuthenticationFailed", "PermissionDenied"}  # DRF's, raised with our own code


def project_modules():
    packages = [p.parent.name for p in ROOT.glob("*/apps.py")] + ["config", "common"]
    for package in sorted(set(packages)):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts or "management" in parts or parts[-1] in {"__main__", "gunicorn.conf"}:
                continue
            yield path, ".".join(p for p in parts if p != "__init__")


def user_error_classes():
    for _path, module in project_modules():
        importlib.import_module(module)
    seen, todo = set(), [UserError]
    while todo:
        cls = todo.pop()
        seen.add(cls)
        todo.extend(c for c in cls.__subclasses__() if c not in seen)
    return {c for c in seen if c.__module__.split(".")[0] != "tests"}


def codes_in_use():
    classes = user_error_classes()
    raisers = {c.__name__ for c in classes} | OTHER_RAISERS
    used = {c.code: f"{c.__module__}.{c.__qualname__}" for c in classes}
    for path, _module in project_modules():
        for node in ast.walk(parse_file(path)):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            for kw in node.keywords:
                if kw.arg == "code" and isinstance(kw.value, ast.Constant) and name in raisers:
                    used[kw.value.value] = f"{path.relative_to(ROOT)}:{node.lineno}"
            if name == "_body" and node.args and isinstance(node.args[0], ast.Constant):
                used[node.args[0].value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return used


def test_every_code_raised_is_in_the_catalogue():
    used = codes_in_use()
    assert len(used) > 40
    missing = {code: where for code, where in used.items() if code not in CODES}
    assert not missing, f"add these to config/error_codes.py: {missing}"


def test_the_catalogue_lists_no_code_that_nothing_raises():
    dead = set(CODES) - set(codes_in_use()) - FROM_DRF
    assert not dead, f"nothing raises these; remove them from config/error_codes.py: {sorted(dead)}"


def test_every_code_has_a_description():
    assert all(isinstance(text, str) and len(text) > 15 for text in CODES.values())


def test_the_schema_publishes_the_catalogue(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    error = components["Error"]["properties"]["error"]
    ref = error["allOf"][0]["$ref"] if "allOf" in error else error.get("$ref")
    enum = components[ref.rsplit("/", 1)[-1]]["enum"] if ref else error["enum"]
    assert set(enum) == set(CODES)
    assert CODES["plan_limit_reached"] in error["description"]  # each code is explained in the docs
