"""The Chinese catalogue carries the corrections kept in locale/fragments/.

`make messages` keeps a translation already in django.po; the fragments
hold the reviewed Chinese, so each of their entries must read the same in
django.po and in the compiled django.mo that the portal serves.
"""

import ast
import gettext
import re
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
FRAGMENTS = sorted((LOCALE / "fragments").glob("*.po"))
PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')


@cache
def read_po(path):
    """Entries of a PO file as {(msgctxt, msgid, msgid_plural): msgstrs}.

    Enough of the format for our catalogues: comments, obsolete entries
    (skipped), quoted strings continued on the following lines.
    """
    entries = {}
    current, key = {}, None

    def finish():
        if current.get("msgid"):
            entries[
                (current.get("msgctxt"), current["msgid"], current.get("msgid_plural"))
            ] = tuple(v for k, v in sorted(current.items()) if k.startswith("msgstr"))

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = KEYWORD.match(line)
        if match:
            key, text = match.groups()
            if key in ("msgctxt", "msgid") and (
                "msgstr" in current or "msgstr[0]" in current
            ):
                finish()
                current = {}
            current[key] = ast.literal_eval(match.group(2))
        elif line.startswith('"'):
            current[key] += ast.literal_eval(line)
        else:
            raise ValueError(f"{path}: cannot read {line!r}")
    finish()
    return entries


def fragment_entries():
    for path in FRAGMENTS:
        for key, msgstrs in read_po(path).items():
            yield pytest.param(key, msgstrs, id=f"{path.stem}:{key[1][:40]}")


def test_every_fragment_is_read():
    assert len(FRAGMENTS) >= 3
    assert all(read_po(path) for path in FRAGMENTS)


@pytest.mark.parametrize(("key", "msgstrs"), list(fragment_entries()))
def test_fragment_entry_stands_in_the_catalogue(key, msgstrs):
    catalogue = read_po(PO)
    assert catalogue.get(key) == msgstrs


@cache
def compiled_catalogue():
    with MO.open("rb") as file:
        return gettext.GNUTranslations(file)


@pytest.mark.parametrize(("key", "msgstrs"), list(fragment_entries()))
def test_fragment_entry_is_compiled(key, msgstrs):
    compiled = compiled_catalogue()
    context, msgid, plural = key
    if plural and context:
        translated = compiled.npgettext(context, msgid, plural, 1)
    elif plural:
        translated = compiled.ngettext(msgid, plural, 1)
    elif context:
        translated = compiled.pgettext(context, msgid)
    else:
        translated = compiled.gettext(msgid)
    assert translated == msgstrs[0]


def test_fragments_agree_with_each_other():
    """`make messages` lets the first fragment win: none may contradict another."""
    seen = {}
    for path in FRAGMENTS:
        for key, msgstrs in read_po(path).items():
            seen.setdefault(key, {})[path.name] = msgstrs
    disagreements = {k[1]: v for k, v in seen.items() if len(set(v.values())) > 1}
    assert disagreements == {}


def test_the_two_corrections_every_visitor_reads():
    catalogue = read_po(PO)
    # The footer's link to the status page is not the button that opens the form.
    assert catalogue[(None, "Check an inquiry", None)] == ("查询咨询进度",)
    assert catalogue[(None, "Send an inquiry", None)] != ("查询咨询进度",)
    # The privacy notice names the portal's administrators among who sees it.
    (who,) = [
        v for k, v in catalogue.items() if k[1].startswith("The admissions staff")
    ]
    assert "管理员" in who[0]
