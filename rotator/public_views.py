"""The one page the public hits: /link/<slug> sends the visitor to one of the link's WhatsApp numbers.

Built for ad traffic: with a warm cache a click is a Redis GET (the link), an INCR in sequential mode,
and an RPUSH (the click record), and no database query and no session. Anonymous visitors carry no
session cookie, so the session and auth middleware never touch the database either.
"""
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import agents, clicks, link_config, message, picking


@require_safe
def link_redirect(request, slug):
    config = link_config.load(slug.lower())
    if config is None:
        raise Http404("No such link")
    if not config["active"]:
        return render(request, "rotator/inactive.html", status=410)
    agent, is_bot = agents.classify(request.META.get("HTTP_USER_AGENT", ""))
    number = picking.pick(config, advance=not is_bot)
    if number is None:
        return render(request, "rotator/inactive.html", {"no_numbers": True}, status=503)
    clicks.record(config=config, number=number, referrer=request.META.get("HTTP_REFERER", ""), agent=agent,
                  is_bot=is_bot)
    response = HttpResponseRedirect(message.wa_me_url(number[1], message.render(config["text"])))
    # Each click must reach us (to count it and to rotate); no browser or proxy may replay a cached answer.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
