"""Spintax and contact variables: the one message renderer used by campaigns and auto-replies alike.

Syntax
- ``{Hi|Hello|Halo}`` picks one option at random; options nest: ``{Hi|{Hello|Hey} there}``; an option
  may be empty (``{Hi|}``).
- ``[name]``, ``[phone]`` or any custom field (``[city]``) is replaced by the contact's value; names
  are matched case-insensitively. ``[name|Kak]`` uses the fallback when the value is empty or missing
  (the fallback may itself use spintax: ``[name|{Kak|Sis}]``). A variable with no value and no
  fallback renders as nothing. Values are inserted as they are: a contact named ``{x}`` is not spun.
- ``\\{ \\} \\| \\[ \\] \\\\`` are the literal characters. A ``|`` outside braces and brackets is literal.
- An unbalanced ``{``/``}`` (or ``[``/``]``) raises ``SpintaxError`` whose ``position`` is the 0-based
  index of the offending character and whose message shows where it is.
- Braces and fallbacks nest at most ``MAX_DEPTH`` levels; deeper nesting is a ``SpintaxError`` too (the
  parser and renderer recurse, and nobody writes 20 levels by hand).

``count_variants`` is the number of distinct choice paths (a variable counts as its fallback's
variants, 1 without one); ``variants`` enumerates them for given variables, which is how the tests prove
that every rendered text is one of them.
"""
from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext as _

ESCAPABLE = "{}|[]\\"
MAX_DEPTH = 20
_SYSTEM_RANDOM = random.SystemRandom()


class SpintaxError(ValueError):
    """The template cannot be parsed; ``position`` is the 0-based index of the problem."""

    def __init__(self, message, *, position, template):
        self.position = position
        self.template = template
        self.pointer = _pointer(template, position)
        self.message = f"{message}\n{self.pointer}"
        super().__init__(self.message)


def _pointer(template, position, width=20):
    """Two lines: the text around `position` and a caret under it."""
    start = max(0, position - width)
    snippet = template[start:position + width].replace("\n", " ")
    prefix = "…" if start else ""
    return f"{prefix}{snippet}\n{' ' * (len(prefix) + position - start)}^"


# ---------------------------------------------------------------- the tree


@dataclass(frozen=True)
class Choice:
    options: tuple  # each option is a tuple of nodes


@dataclass(frozen=True)
class Variable:
    name: str
    fallback: tuple | None  # nodes, or None when no "|fallback" was written


class _Parser:
    def __init__(self, template):
        self.text = template
        self.pos = 0
        self.depth = 0

    def descend(self, opened):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.error(_("Too deeply nested: the spintax at position %(pos)s is inside more than %(max)s levels of "
                         "{ } or [ ]. Flatten it (fewer levels inside each other).")
                       % {"pos": opened, "max": MAX_DEPTH}, opened)

    def error(self, message, position):
        raise SpintaxError(message, position=position, template=self.text)

    def parse(self):
        nodes = self.sequence(stop="")
        return tuple(nodes)

    def sequence(self, stop):
        """Nodes until one of the `stop` characters (not consumed); `|` is literal unless it stops."""
        nodes, buf = [], []
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch == "\\" and self.pos + 1 < len(text) and text[self.pos + 1] in ESCAPABLE:
                buf.append(text[self.pos + 1])
                self.pos += 2
                continue
            if ch in stop:
                break
            if ch == "{":
                if buf:
                    nodes.append("".join(buf))
                    buf = []
                nodes.append(self.choice())
                continue
            if ch == "[":
                if buf:
                    nodes.append("".join(buf))
                    buf = []
                nodes.append(self.variable())
                continue
            if ch == "}":
                self.error(_("Unbalanced brace: this '}' at position %(pos)s closes nothing. Remove it or "
                             "write \\} for a literal brace.") % {"pos": self.pos}, self.pos)
            if ch == "]":
                self.error(_("Unbalanced bracket: this ']' at position %(pos)s closes no variable. Remove it "
                             "or write \\] for a literal bracket.") % {"pos": self.pos}, self.pos)
            buf.append(ch)
            self.pos += 1
        if buf:
            nodes.append("".join(buf))
        return nodes

    def choice(self):
        opened = self.pos
        self.descend(opened)
        self.pos += 1
        options = []
        while True:
            options.append(tuple(self.sequence(stop="|}")))
            if self.pos >= len(self.text):
                self.error(_("Unbalanced brace: the '{' at position %(pos)s is never closed. Add a '}' or "
                             "write \\{ for a literal brace.") % {"pos": opened}, opened)
            ch = self.text[self.pos]
            self.pos += 1
            if ch == "}":
                self.depth -= 1
                return Choice(tuple(options))

    def variable(self):
        opened = self.pos
        self.pos += 1
        start = self.pos
        text = self.text
        while self.pos < len(text) and text[self.pos] not in "|]":
            if text[self.pos] in "{}[\\":
                self.error(_("Variable names are plain words like [name] or [city]; the '%(ch)s' at position "
                             "%(pos)s does not belong in one. Close the variable with ']' or write \\[ for a "
                             "literal bracket.") % {"ch": text[self.pos], "pos": self.pos}, self.pos)
            self.pos += 1
        if self.pos >= len(text):
            self.error(_("Unbalanced bracket: the '[' at position %(pos)s is never closed. Add a ']' or "
                         "write \\[ for a literal bracket.") % {"pos": opened}, opened)
        name = text[start:self.pos].strip()
        if not name:
            self.error(_("Empty variable at position %(pos)s: write a field name such as [name], or \\[ for a "
                         "literal bracket.") % {"pos": opened}, opened)
        fallback = None
        if text[self.pos] == "|":
            self.pos += 1
            # Inside a fallback a further '|' is literal text: only ']' ends it.
            self.descend(opened)
            fallback = tuple(self.sequence(stop="]"))
            self.depth -= 1
            if self.pos >= len(text):
                self.error(_("Unbalanced bracket: the '[' at position %(pos)s is never closed. Add a ']' or "
                             "write \\[ for a literal bracket.") % {"pos": opened}, opened)
        self.pos += 1  # the ']'
        return Variable(name.lower(), fallback)


@lru_cache(maxsize=512)
def parse(template: str) -> tuple:
    """The template as a tree of str / Choice / Variable nodes (cached: campaigns render one template often)."""
    if not isinstance(template, str):
        raise TypeError(f"template must be a string, got {type(template).__name__}")
    return _Parser(template).parse()


# ---------------------------------------------------------------- public interface


def validate(template: str) -> None:
    """Raise SpintaxError (with `.position`) when the template cannot be rendered."""
    parse(template)


def _lookup(variables, name):
    value = variables.get(name)
    if value is None:
        # Custom fields keep the case they were imported with ("City"); match them case-insensitively.
        for key, candidate in variables.items():
            if str(key).strip().lower() == name:
                value = candidate
                break
    if value is None:
        return ""
    return str(value).strip()


def _render(nodes, variables, rng, out):
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, Choice):
            _render(rng.choice(node.options), variables, rng, out)
        else:
            value = _lookup(variables, node.name)
            if value:
                out.append(value)
            elif node.fallback is not None:
                _render(node.fallback, variables, rng, out)


def render(template: str, variables: dict | None = None, rng: random.Random | None = None) -> str:
    """One random rendering of `template` for a contact's `variables` ({"name","phone", **custom})."""
    out = []
    _render(parse(template), variables or {}, rng or _SYSTEM_RANDOM, out)
    return "".join(out)


def _count(nodes):
    total = 1
    for node in nodes:
        if isinstance(node, Choice):
            total *= sum(_count(option) for option in node.options)
        elif isinstance(node, Variable) and node.fallback is not None:
            total *= _count(node.fallback)
    return total


def count_variants(template: str) -> int:
    """How many different choice paths the template has (variables count as their fallback's variants)."""
    return _count(parse(template))


def _expand(nodes, variables):
    """Every text the nodes can produce, one per choice path (duplicates kept)."""
    parts = []
    for node in nodes:
        if isinstance(node, str):
            parts.append([node])
        elif isinstance(node, Choice):
            parts.append([text for option in node.options for text in _expand(option, variables)])
        else:
            value = _lookup(variables, node.name)
            if value:
                parts.append([value])
            elif node.fallback is not None:
                parts.append(_expand(node.fallback, variables))
            else:
                parts.append([""])
    return ["".join(combo) for combo in itertools.product(*parts)]


def variants(template: str, variables: dict | None = None, limit: int = 10_000) -> list[str]:
    """All renderings for these variables (refuses templates with more than `limit` choice paths)."""
    if count_variants(template) > limit:
        raise ValueError(f"template has more than {limit} variants; enumerate a smaller one")
    return _expand(parse(template), variables or {})


def escape(text: str) -> str:
    """`text` written so the renderer outputs it unchanged (every special character escaped)."""
    return "".join("\\" + ch if ch in ESCAPABLE else ch for ch in text)
