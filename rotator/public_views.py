"""The one page the public hits: /link/<slug> sends the visitor to one of the link's WhatsApp numbers.

Built for ad traffic: with a warm cache a click is one Redis round trip (a script that moves a sequential
link's counter and queues the click record), no database query and no session. Anonymous visitors carry no
session cookie, so the session and auth middleware never touch the database either.
"""
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import agents, clicks, link_config, message, picking
from .slugs import MAX_LENGTH, SLUG_RE


@require_safe
def link_redirect(request, slug):
    slug = slug.lower()
    # A slug no link could have never reaches Redis: scanners cannot fill the cache with junk keys.
    if len(slug) > MAX_LENGTH or not SLUG_RE.match(slug):
        raise Http404("No such link")
    config = link_config.load(slug)
    if config is None:
        raise Http404("No such link")
    if not config["active"]:
        return render(request, "rotator/inactive.html", status=410)
    agent, is_bot = agents.classify(request.META.get("HTTP_USER_AGENT", ""))
    numbers = picking.candidates(config)
    if not numbers:
        return render(request, "rotator/inactive.html", {"no_numbers": True}, status=503)
    if request.method == "HEAD":
        # Link checkers ask HEAD; nobody is visiting, so nothing is counted and no turn is used.
        number = numbers[picking.choose(config, numbers, advance=False)]
    else:
        index = picking.choose(config, numbers, advance=not is_bot)
        number = clicks.record_click(config=config, numbers=numbers, index=index, agent=agent, is_bot=is_bot,
                                     referrer=request.META.get("HTTP_REFERER", ""))
    response = HttpResponseRedirect(message.wa_me_url(number[1], message.render(config["text"])))
    # Each click must reach us (to count it and to rotate); no browser or proxy may replay a cached answer.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
