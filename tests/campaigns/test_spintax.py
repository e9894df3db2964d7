"""Spintax: property tests (hypothesis) over generated templates, plus the documented examples."""
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common import spintax
from common.spintax import SpintaxError, count_variants, escape, render, validate, variants

# Plain text without any special character, so generated trees serialise unambiguously.
plain = st.text(alphabet=st.characters(blacklist_characters="{}|[]\\", blacklist_categories=("Cs",)), max_size=6)
names = st.sampled_from(["name", "phone", "city", "Kota"])


def _tree(depth):
    leaf = st.one_of(plain.map(lambda t: ("text", t)), names.map(lambda n: ("var", n, None)),
                     st.tuples(st.just("var"), names, st.lists(plain.map(lambda t: ("text", t)), max_size=2)))
    if depth == 0:
        return st.lists(leaf, max_size=4)
    choice = st.lists(_tree(depth - 1), min_size=1, max_size=3).map(lambda opts: ("choice", opts))
    return st.lists(st.one_of(leaf, choice), max_size=4)


trees = _tree(2)


def serialise(nodes):
    out = []
    for node in nodes:
        if node[0] == "text":
            out.append(node[1])
        elif node[0] == "var":
            out.append(f"[{node[1]}]" if node[2] is None else f"[{node[1]}|{serialise(node[2])}]")
        else:
            out.append("{" + "|".join(serialise(opt) for opt in node[1]) + "}")
    return "".join(out)


def count_paths(nodes):
    total = 1
    for node in nodes:
        if node[0] == "choice":
            total *= sum(count_paths(opt) for opt in node[1])
    return total


variables = st.fixed_dictionaries({}, optional={"name": plain, "phone": st.from_regex(r"62\d{8}", fullmatch=True),
                                                "city": plain, "kota": plain})


@settings(max_examples=300, deadline=None)
@given(trees, variables, st.integers())
def test_rendered_text_is_always_one_of_the_enumerated_variants(tree, values, seed):
    template = serialise(tree)
    validate(template)
    out = render(template, values, rng=random.Random(seed))
    assert out in variants(template, values)


@settings(max_examples=300, deadline=None)
@given(trees)
def test_variant_count_matches_the_choice_paths(tree):
    template = serialise(tree)
    assert count_variants(template) == count_paths(tree)
    if count_paths(tree) > 10_000:  # variants() refuses to enumerate that many, by design
        with pytest.raises(ValueError, match="more than 10000 variants"):
            variants(template)
        return
    assert len(variants(template, {"name": "Budi", "city": "Solo", "kota": "x", "phone": "1"})) == count_paths(tree)


@settings(max_examples=300, deadline=None)
@given(trees, variables)
def test_valid_templates_never_leave_braces_or_brackets(tree, values):
    out = render(serialise(tree), values)
    assert not set(out) & set("{}[]")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_escaped_text_renders_unchanged(text):
    assert render(escape(text)) == text
    assert count_variants(escape(text)) == 1


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab{}|[]\\ ", max_size=20), st.integers())
def test_arbitrary_text_either_renders_or_points_at_a_real_position(text, seed):
    try:
        validate(text)
    except SpintaxError as exc:
        assert 0 <= exc.position < len(text)
        assert text[exc.position] in "{}[]|\\" or exc.position < len(text)
        assert str(exc.position) in exc.message
    else:
        out = render(text, {"name": "x"}, rng=random.Random(seed))
        assert out in variants(text, {"name": "x"})


@settings(max_examples=200, deadline=None)
@given(trees, st.data())
def test_an_unclosed_brace_is_reported_where_it_was_opened(tree, data):
    template = serialise(tree)
    cut = data.draw(st.integers(min_value=0, max_value=len(template)))
    broken = template[:cut] + "{" + escape("tail")
    with pytest.raises(SpintaxError) as info:
        validate(broken)
    # The unclosed one is the one we added, or an earlier brace the cut left open.
    assert broken[info.value.position] in "{["
    assert info.value.position <= cut


def test_documented_examples():
    rng = random.Random(1)
    seen = {render("{Hi|Hello|Halo}", rng=rng) for _ in range(200)}
    assert seen == {"Hi", "Hello", "Halo"}
    assert set(variants("{Hi|{Hello|Hey} there}")) == {"Hi", "Hello there", "Hey there"}
    assert count_variants("{Hi|{Hello|Hey} there}") == 3
    assert count_variants("{a|b} {c|d|e}") == 6
    assert render(r"\{not spun\|ok\} \[name\]") == "{not spun|ok} [name]"
    assert render("a | b") == "a | b"


def test_variables_and_fallbacks():
    contact = {"name": "Budi", "phone": "6281234567890", "City": "Solo", "empty": "  "}
    assert render("Hi [name] from [city], call [phone]", contact) == "Hi Budi from Solo, call 6281234567890"
    assert render("Hi [name|Kak]", {"name": ""}) == "Hi Kak"
    assert render("Hi [name|Kak]", {}) == "Hi Kak"
    assert render("Hi [empty|Kak]", contact) == "Hi Kak"
    assert render("Hi [NAME|Kak]", contact) == "Hi Budi"
    assert render("Hi [missing]!", contact) == "Hi !"
    assert set(variants("[name|{Kak|Sis}]", {})) == {"Kak", "Sis"}
    # Values are not spun: a name that looks like spintax stays as written.
    assert render("[name]", {"name": "{a|b}"}) == "{a|b}"


@pytest.mark.parametrize("template,position,words", [
    ("Hello {world", 6, "never closed"),
    ("Hello world}", 11, "closes nothing"),
    ("{a|{b|c}", 0, "never closed"),
    ("Hi [name", 3, "never closed"),
    ("Hi name]", 7, "closes no variable"),
    ("Hi []", 3, "Empty variable"),
    ("Hi [na{me]", 6, "does not belong"),
])
def test_errors_point_at_the_position(template, position, words):
    with pytest.raises(SpintaxError) as info:
        validate(template)
    assert info.value.position == position
    assert words in info.value.message
    # The pointer line puts a caret under the offending character.
    snippet, caret = info.value.pointer.split("\n")
    assert snippet[caret.index("^")] == template[position]


@pytest.mark.parametrize("template", ["{" * 5000 + "}" * 5000, "[a|" * 5000 + "]" * 5000,
                                      "{a|[n|" * 11 + "x" + "]}" * 11])
def test_deep_nesting_is_a_spintax_error_not_a_recursion_error(template):
    with pytest.raises(spintax.SpintaxError) as caught:
        spintax.validate(template)
    assert "nested" in caught.value.message and caught.value.position >= 0


def test_twenty_levels_still_render():
    template = "{a|" * spintax.MAX_DEPTH + "b" + "}" * spintax.MAX_DEPTH
    assert spintax.render(template) in {"a", "b"}
