"""Sections other apps add to a contact's page: the chat history, the campaigns it was in, and so on.

contacts sits below inbox and campaigns on the map (STYLE §1), so it never names them: each registers
its panel from its own ``AppConfig.ready()``. A panel is ``panel(request, contact)`` returning
``{"template": ..., **context}`` or None when it has nothing to show this viewer.
"""
_PANELS: list[tuple[int, object]] = []


def register(panel, *, order=100):
    if all(existing is not panel for _order, existing in _PANELS):
        _PANELS.append((order, panel))
        _PANELS.sort(key=lambda item: item[0])


def panels_for(request, contact):
    return [shown for _order, panel in _PANELS if (shown := panel(request, contact))]
