"""The one page the public hits: /link/<slug> sends the visitor to one of the link's WhatsApp numbers.

Built for ad traffic: with a warm cache a click is one Redis round trip (a script that moves a sequential
link's counter and queues the click record), no database query and no session.

Two entry points share one answer. `link_redirect` is the view in the URLconf and answers every case
(unknown, inactive, HEAD, POST). `link_redirect_fast` answers only the common case, a GET to a live link,
and is called by `rotator.middleware.PublicLinkMiddleware` before the session, auth, CSRF, locale and
messages middleware, none of which a redirect for an anonymous visitor needs; for anything else it
returns None, records nothing, and the request goes on through the whole stack to `link_redirect`.
"""
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import agents, clicks, link_config, message, picking
from .slugs import MAX_LENGTH, SLUG_RE


def _config(slug):
    slug = slug.lower()
    # A slug no link could have never reaches Redis: scanners cannot fill the cache with junk keys.
    if len(slug) > MAX_LENGTH or not SLUG_RE.match(slug):
        return None
    return link_config.load(slug)


def link_not_found(request, rest=""):
    """A mistyped link. Rendered here, not raised as Http404: with DEBUG on Django would show a visitor the
    technical 404 page listing every URL pattern, and public links must never show that."""
    return render(request, "rotator/not_found.html", status=404)


@require_safe
def link_redirect(request, slug):
    config = _config(slug)
    if config is None:
        return link_not_found(request)
    if not config["active"]:
        return render(request, "rotator/inactive.html", status=410)
    numbers = picking.candidates(config)
    if not numbers:
        return render(request, "rotator/inactive.html", {"no_numbers": True}, status=503)
    return _redirect(request, config, numbers)


def link_redirect_fast(request, slug):
    """The redirect for a GET to a live link, or None (nothing recorded) when link_redirect must answer."""
    config = _config(slug)
    if config is None or not config["active"]:
        return None
    numbers = picking.candidates(config)
    if not numbers:
        return None
    return _redirect(request, config, numbers)


def _redirect(request, config, numbers):
    meta = request.META
    agent, is_bot = agents.classify(meta.get("HTTP_USER_AGENT", ""))
    if request.method == "HEAD":
        # Link checkers ask HEAD; nobody is visiting, so nothing is counted and no turn is used.
        number = numbers[picking.choose(config, numbers, advance=False)]
    else:
        index = picking.choose(config, numbers, advance=not is_bot)
        number = clicks.record_click(config=config, numbers=numbers, index=index, agent=agent, is_bot=is_bot,
                                     referrer=meta.get("HTTP_REFERER", ""))
    response = HttpResponseRedirect(message.wa_me_url(number[1], message.render(config["text"])))
    # Each click must reach us (to count it and to rotate); no browser or proxy may replay a cached answer.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
