"""Walks every URL pattern the project registers, so routes added later are covered automatically.

Each app describes what workspace A owns in `tests/<app>/world.py`:

    def build(workspace, owner) -> dict   # route name or kwarg name -> value to put in the URL
    PUBLIC = {"route:name": "why anyone may reach it"}   # optional

Objects built there should carry `MARKER` in a visible field (a name, a label) so a leak shows up in
any response body. A route kwarg nobody can fill fails the walk: register it in your app's world.py.
"""
import importlib

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.tenancy import WorkspaceOwned

MARKER = "ALPHA-SECRET"
SEBAR_APPS = ["accounts", "billing", "devices", "contacts", "campaigns", "inbox", "rotator", "integrations", "flows"]
# Namespaces and routes that are not tenant data, with the reason.
SKIPPED_NAMESPACES = {"admin": "operators' Django admin: staff only, sees every tenant by design"}


# Routes that end the walking client's session: walked last, or every route after them would only
# answer "log in first" (302) and prove nothing.
SESSION_ENDING = {"accounts:logout", "accounts:logout_everywhere", "api:auth-logout-everywhere"}


def iter_routes(patterns=None, namespaces=()):
    """Yield (full route name, kwarg names) for every named route; session-ending routes come last."""
    routes = list(_iter_routes(patterns, namespaces))
    yield from [r for r in routes if r[0] not in SESSION_ENDING]
    yield from [r for r in routes if r[0] in SESSION_ENDING]


def _iter_routes(patterns=None, namespaces=()):
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespaces + ((entry.namespace,) if entry.namespace else ())
            if ns and ns[0] in SKIPPED_NAMESPACES:
                continue
            yield from _iter_routes(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern):
            kwargs = sorted(entry.pattern.regex.groupindex)
            if "format" in kwargs:
                continue  # DRF format-suffix twin of a route walked anyway
            name = entry.name
            if name is None:
                raise AssertionError(f"Route {entry.pattern} has no name: name every route so it can be walked")
            yield ":".join(namespaces + (name,)), kwargs


def build_world(workspace, owner):
    values, public = {}, {}
    for app in SEBAR_APPS:
        try:
            module = importlib.import_module(f"tests.{app}.world")
        except ModuleNotFoundError as exc:
            if exc.name != f"tests.{app}.world":
                raise
            continue
        values.update(module.build(workspace, owner))
        public.update(getattr(module, "PUBLIC", {}))
    return values, public


def fill(route, kwarg_names, values):
    if route in values:
        return values[route]
    kwargs = {}
    for name in kwarg_names:
        if name not in values:
            raise AssertionError(
                f"Cannot fill <{name}> of route {route!r}: add a value for it (or for the route) "
                f"to the build() of tests/<app>/world.py"
            )
        kwargs[name] = values[name]
    return kwargs


def tenant_models():
    return [m for m in apps.get_models() if issubclass(m, WorkspaceOwned)]


def snapshot(workspace):
    """Every row workspace A owns, as plain values, to prove nothing changed."""
    from accounts.models import Membership, Workspace

    data = {"workspace": list(Workspace.objects.filter(pk=workspace.pk).values()),
            "memberships": list(Membership.objects.filter(workspace=workspace).order_by("pk").values())}
    for model in tenant_models():
        data[model._meta.label] = list(model.objects.filter(workspace=workspace).order_by("pk").values())
    return data


def url_for(route, kwargs):
    return reverse(route, kwargs=kwargs)


PUBLIC_ROUTE = "public"


def declared_permission(url, method, public):
    """The permission a route declares for `method`: a MATRIX name, or PUBLIC_ROUTE.

    Read from the view itself, so routes added later are covered without listing them anywhere:
    `workspace_view("perm")` sets `sebar_permission`; `WorkspaceMixin` pages have `permission_required`;
    DRF views built on `WorkspaceAPIMixin` answer `permission_for(request)` (read/write/delete/actions);
    DRF views whose only permission is AllowAny, and routes listed in a world's PUBLIC, are public.
    Anything else has no declared permission, which is a bug: this raises AssertionError saying so.
    """
    from types import SimpleNamespace

    from django.urls import resolve
    from rest_framework.permissions import AllowAny

    from accounts.tenancy_api import WorkspaceAPIMixin
    from accounts.tenancy_web import WorkspaceMixin

    match = resolve(url)
    if match.view_name in public:
        return PUBLIC_ROUTE
    func = match.func
    if getattr(func, "sebar_permission", None):
        return func.sebar_permission
    view_class = getattr(func, "view_class", None)
    if view_class is not None and issubclass(view_class, WorkspaceMixin):
        return view_class(**getattr(func, "view_initkwargs", {})).get_permission_required()
    cls = getattr(func, "cls", None)
    if cls is not None:
        if issubclass(cls, WorkspaceAPIMixin):
            view = cls(**getattr(func, "initkwargs", {}))
            actions = getattr(func, "actions", None) or {}
            view.action_map = actions
            view.action = actions.get(method.lower())
            # The walk sends empty bodies, so a permission that depends on the payload sees an empty one.
            request = SimpleNamespace(method=method.upper(), data={}, query_params={}, GET={}, POST={})
            return view.permission_for(request)
        if cls.permission_classes and all(issubclass(p, AllowAny) for p in cls.permission_classes):
            return PUBLIC_ROUTE
    raise AssertionError(
        f"{match.view_name} ({url}) declares no permission: use workspace_view('area:perm'), WorkspaceMixin or "
        "a WorkspaceAPIView/WorkspaceViewSet with permission_read/write/delete, or list it in PUBLIC of "
        "tests/<app>/world.py with the reason anyone may reach it")
