"""The Indonesian catalogue is complete and its compiled .mo matches the .po."""
import gettext
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "locale" / "id" / "LC_MESSAGES" / "django.po"
MO = ROOT / "locale" / "id" / "LC_MESSAGES" / "django.mo"


def po_entries():
    """(msgid, msgstr) pairs; plural entries give their singular msgid and msgstr[0]."""
    text = PO.read_text(encoding="utf-8")
    entries = []
    for block in text.split("\n\n"):
        lines = [ln for ln in block.splitlines() if not ln.startswith("#")]
        current, parts = None, {}
        for line in lines:
            key = re.match(r"^(msgid_plural|msgid|msgstr\[0\]|msgstr)\s+(\".*\")$", line)
            if key:
                current = key.group(1)
                parts[current] = [eval(key.group(2))]  # noqa: S307 - a .po string literal
            elif line.startswith('"') and current:
                parts[current].append(eval(line))  # noqa: S307
        if "msgid" in parts:
            msgstr = parts.get("msgstr", parts.get("msgstr[0]", [""]))
            entries.append(("".join(parts["msgid"]), "".join(msgstr)))
    return [(i, s) for i, s in entries if i]


def test_every_string_has_an_indonesian_translation():
    entries = po_entries()
    assert len(entries) > 500
    untranslated = [msgid for msgid, msgstr in entries if not msgstr.strip()]
    assert not untranslated, f"translate these in {PO.relative_to(ROOT)}: {untranslated[:10]}"


def test_placeholders_survive_translation():
    for msgid, msgstr in po_entries():
        assert sorted(re.findall(r"%\(\w+\)", msgid)) == sorted(re.findall(r"%\(\w+\)", msgstr)), msgid


def test_compiled_catalogue_matches_the_po():
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [msgid for msgid, msgstr in po_entries() if compiled.gettext(msgid) != msgstr]
    assert not stale, f"run `manage.py compilemessages -l id`: {stale[:5]}"
