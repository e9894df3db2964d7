"""Choosing the number a visitor is sent to, by the link's mode.

SEQUENTIAL uses one Redis INCR per click on a per-link counter, so the order stays strictly round-robin
however many web processes answer clicks at once: the n-th click of the link (across all of them) gets
number (n - 1) mod len(numbers).
"""
import bisect
import itertools
import random

from config.redis import get_redis

from .link_config import sequence_key

_rng = random.SystemRandom()


def candidates(config):
    """Numbers a visitor may get: with 'only connected', those whose device is up, else all of them."""
    numbers = config["numbers"]
    if config.get("only_connected"):
        connected = [n for n in numbers if n[3]]
        if connected:
            return connected
    return numbers


def pick(config, *, advance=True):
    """One number entry [id, phone, weight, connected], or None when the link has no numbers.

    `advance=False` (link-preview bots) never moves the round-robin counter: bots are not visitors.
    """
    numbers = candidates(config)
    if not numbers:
        return None
    mode = config["mode"]
    if mode == "SEQUENTIAL" and advance:
        n = get_redis().incr(sequence_key(config["id"]))
        return numbers[(n - 1) % len(numbers)]
    if mode == "WEIGHTED":
        return pick_weighted(numbers)
    return _rng.choice(numbers)


def pick_weighted(numbers, rng=_rng):
    cumulative = list(itertools.accumulate(max(1, int(n[2])) for n in numbers))
    return numbers[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]
