"""STYLE.md §1, checked: each app imports only the apps below it, at module level or inside a function."""
import ast
from pathlib import Path

import pytest

from tests.source_trees import parse_file

ROOT = Path(__file__).resolve().parents[1]
APPS = {"accounts", "audit", "billing", "devices", "contacts", "campaigns", "inbox", "rotator", "integrations",
        "analytics", "flows", "sequences"}
# app -> the Sebar apps it may import (config's infrastructure helpers are open to all)
ALLOWED = {
    "accounts": set(),  # sends its audit events as signals (accounts.hooks.sensitive_action): audit/__init__.py
    "audit": {"accounts"},  # scoped by accounts.tenancy like every tenant row; every app above may record
    "billing": {"accounts", "audit"},
    "devices": {"accounts", "billing", "audit"},
    "contacts": {"accounts", "billing", "devices", "audit"},
    "campaigns": {"accounts", "billing", "devices", "contacts", "audit"},
    "inbox": {"accounts", "billing", "devices", "contacts", "audit"},
    "rotator": {"accounts", "billing", "audit"},
    "integrations": {"accounts", "billing", "audit"},  # names the views it scopes by dotted path (integrations/keys.py)
    # Chatbot flows run inside the inbox's reply pipeline through a step they register (inbox/reply_steps.py);
    # the inbox never names them. They send through the inbox's one send path.
    "flows": {"accounts", "billing", "devices", "contacts", "inbox", "audit"},
    # Follow-ups: each due step is a row of the sequence's hidden campaign (one sending path); replies and
    # opt-outs reach them as common.events, tags added through contacts' hook. Nothing below names them.
    "sequences": {"accounts", "billing", "devices", "contacts", "campaigns", "audit"},
    "common": set(),  # the shared helpers point at no app at all
    # The top of the map: the dashboard reads every app; no app imports it (they expose hooks it registers with).
    "analytics": {"accounts", "billing", "devices", "contacts", "campaigns", "inbox", "rotator", "integrations",
                  "audit", "flows"},
}
SHARED = {"config", "common"}  # below every app: infrastructure, and pure helpers (spintax, phones)


def imports_of(path):
    tree = parse_file(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def allowed(app, module):
    top = module.split(".")[0]
    if top not in APPS or top == app:
        return True
    return any(module == rule or module.startswith(rule + ".") for rule in ALLOWED[app])


def test_every_app_points_down_the_map():
    wrong = set()
    for app in ALLOWED:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            names = list(imports_of(path))
            for module in names:
                # `from campaigns import models` names both "campaigns" and "campaigns.models": judge the
                # most specific name.
                if module.split(".")[0] in APPS and not allowed(app, module):
                    if not any(other.startswith(module + ".") and allowed(app, other) for other in names):
                        wrong.add(f"{path.relative_to(ROOT)} imports {module}")
    assert not wrong, "\n".join(sorted(wrong))


def _function_level_imports(path):
    tree = parse_file(path)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for sub in ast.walk(node):
                if isinstance(sub, ast.ImportFrom) and sub.level:
                    yield node.name, sub.lineno
                elif isinstance(sub, (ast.Import, ast.ImportFrom)):
                    module = sub.module if isinstance(sub, ast.ImportFrom) else sub.names[0].name
                    if module.split(".")[0] in APPS | SHARED:  # a heavy parser (pypdf) may load on first use
                        yield node.name, sub.lineno


# (file, function): why it cannot import at the top.
IMPORT_LATER = {
    ("accounts/workspace_settings.py", "workspace_update"): "accounts.models imports the module while apps load; "
                                                              "config.errors loads DRF, whose settings need it",
}


@pytest.mark.parametrize("app", ["inbox", "devices", "accounts", "contacts", "rotator", "billing", "config",
                                 "campaigns", "analytics", "audit", "flows"])
def test_these_apps_import_at_the_top(app):
    """Issue 21 #10: function-level imports hid a services ↔ replies ↔ tasks cycle. The inbox now has a one-way
    order (models, selectors → services → replies → receive → tasks, which queue by dotted path); only the
    AppConfig hooks, which must wait for the app registry, import inside a function."""
    found = [f"{path.relative_to(ROOT)}:{line} in {name}()"
             for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts
             for name, line in _function_level_imports(path)
             if path.name != "apps.py"  # AppConfig hooks wait for the app registry
             and (str(path.relative_to(ROOT)), name) not in IMPORT_LATER
             and path.parent.name != "commands"]  # a management command loads its heavy module when run
    assert found == []
