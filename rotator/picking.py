"""Choosing the number a visitor is sent to, by the link's mode.

RANDOM and WEIGHTED are chosen here. SEQUENTIAL is chosen inside Redis (`clicks.record_click`): one
script INCRs the link's counter and queues the click atomically, so the order stays strictly round-robin
however many web processes answer clicks at once — the n-th click of the link, across all of them, gets
number (n - 1) mod len(numbers).
"""
import bisect
import itertools
import random

_rng = random.SystemRandom()
# choose() answers this when the shared counter must decide (sequential mode, real visitors).
BY_COUNTER = -1


def candidates(config):
    """Numbers a visitor may get: with 'only connected', those whose device is up, else all of them."""
    numbers = config["numbers"]
    if config.get("only_connected"):
        connected = [n for n in numbers if n[3]]
        if connected:
            return connected
    return numbers


def choose(config, numbers, *, advance=True, rng=_rng):
    """Index into `numbers`, or BY_COUNTER for the round-robin counter.

    `advance=False` (link-preview bots) never moves the counter: bots are not visitors, and a preview
    must not use up a number's turn. They get a random number instead.
    """
    mode = config["mode"]
    if mode == "SEQUENTIAL" and advance:
        return BY_COUNTER
    if mode == "WEIGHTED":
        return choose_weighted(numbers, rng)
    return rng.randrange(len(numbers))


def choose_weighted(numbers, rng=_rng):
    cumulative = list(itertools.accumulate(max(1, int(n[2])) for n in numbers))
    return bisect.bisect_right(cumulative, rng.random() * cumulative[-1])
