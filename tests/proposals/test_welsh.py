"""Welsh (Cymraeg) on the proposal pages: every string has its translation, and it shows."""

import ast
import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation.template import templatize

from tests.proposals.conftest import make_proposal

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "cy" / "LC_MESSAGES" / "django.po"
PROPOSAL_TEMPLATES = sorted((ROOT / "templates" / "deliberation" / "proposals").glob("*.html"))
EMAIL_TEMPLATES = sorted((ROOT / "templates" / "email").glob("notification.*"))
PROPOSAL_CODE = [
    *(
        ROOT / "deliberation" / "views" / f"{name}.py"
        for name in ("proposals", "comments", "forum_polls", "threads", "ballots", "common")
    ),
    ROOT / "deliberation" / "services" / "proposals.py",
]


def po_entries() -> dict[str, dict]:
    """Read the Welsh .po file: msgid -> {"str": [msgstr...], "fuzzy": bool} (no polib)."""
    entries: dict[str, dict] = {}
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        msgid = None
        strings: list[str] = []
        fuzzy = False
        field = None
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            elif line.startswith("msgid "):
                msgid, field = ast.literal_eval(line[6:]), "id"
            elif line.startswith("msgid_plural "):
                field = "plural"
            elif line.startswith("msgstr"):
                strings.append(ast.literal_eval(line.split(" ", 1)[1]))
                field = "str"
            elif line.startswith('"') and field == "id" and msgid is not None:
                msgid += ast.literal_eval(line)
            elif line.startswith('"') and field == "str":
                strings[-1] += ast.literal_eval(line)
        if msgid:
            entries[msgid] = {"str": strings, "fuzzy": fuzzy}
    return entries


_CALL = re.compile(r"\b(?:n?gettext|_)\(\s*(u?'(?:[^'\\]|\\.)*'|u?\"(?:[^\"\\]|\\.)*\")")


def msgids_in(paths: list[Path]) -> set[str]:
    """Return the msgids makemessages would take from templates and Python files."""
    found: set[str] = set()
    for path in paths:
        source = path.read_text(encoding="utf-8")
        if path.suffix != ".py":
            source = templatize(source, str(path))
        found |= {ast.literal_eval(m) for m in _CALL.findall(source)}
    return found


@pytest.mark.parametrize(
    "paths",
    [PROPOSAL_TEMPLATES, EMAIL_TEMPLATES, PROPOSAL_CODE],
    ids=["proposal templates", "proposal emails", "proposal views and services"],
)
def test_every_string_of_the_proposal_pages_has_welsh(paths):
    entries = po_entries()
    wanted = msgids_in(paths)
    assert len(wanted) > 5  # the extraction found the strings
    missing = sorted(m for m in wanted if m not in entries)
    untranslated = sorted(
        m for m in wanted if m in entries and (entries[m]["fuzzy"] or not all(entries[m]["str"]))
    )
    assert not missing, f"run makemessages: {missing}"
    assert not untranslated, f"no Welsh yet for: {untranslated}"


def test_welsh_plurals_have_every_form():
    header = PO.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert "nplurals=4;" in header
    text = PO.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        if "msgid_plural" in block:
            assert block.count("msgstr[") == 4, block


@pytest.fixture
def welsh(browser_for, cast):
    def make(role="participant"):
        client = browser_for(cast[role])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
        return client

    return make


def test_the_list_of_ideas_in_welsh(forum, cast, welsh):
    make_proposal(forum, cast["participant"])
    page = welsh().get(reverse("deliberation:proposals", args=[forum.slug])).content.decode()
    assert '<html lang="cy"' in page
    assert "Syniadau rhwng cyfarfodydd" in page or "Syniadau" in page
    assert "Rhannu syniad" in page  # Share an idea
    assert "Dod o hyd i syniadau" in page  # Find ideas
    assert "1 syniad" in page  # 1 idea


def test_an_idea_in_welsh(forum, cast, welsh, proposal):
    url = reverse("deliberation:proposal", args=[forum.slug, proposal.pk])
    page = welsh().get(url).content.decode()
    assert "Pwy sy'n cefnogi hyn" in page  # Who supports this
    assert "Dw i'n cefnogi hyn" in page  # I support this
    assert "Ysgrifennu sylw" in page  # Write a comment
    assert "Share an idea" not in page and "Who supports this" not in page


def test_sharing_an_idea_in_welsh(forum, cast, welsh):
    client = welsh()
    page = client.get(reverse("deliberation:proposal_new", args=[forum.slug])).content.decode()
    assert "Rhannu fy syniad" in page  # Share my idea
    assert "Dangos rhagolwg" in page  # Show a preview
    response = client.post(
        reverse("deliberation:proposal_new", args=[forum.slug]),
        {"title": "Bysiau", "summary": "Rydyn ni eisiau bysiau hwyr.", "symbol": "transport"},
        follow=True,
    )
    assert "Diolch. Mae eich syniad wedi'i gadw." in html.unescape(response.content.decode())


def test_a_refusal_on_the_proposal_pages_is_in_welsh(forum, cast, welsh):
    response = welsh().post(
        reverse("deliberation:proposal_new", args=[forum.slug]),
        {"title": "Bysiau", "summary": "Un. Dau. Tri. Pedwar.", "symbol": "transport"},
    )
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Defnyddiwch 3 brawddeg fer neu lai, os gwelwch yn dda." in page


def test_the_email_settings_and_the_vote_pages_in_welsh(forum, welsh):
    client = welsh()
    page = client.get(reverse("deliberation:notify", args=[forum.slug])).content.decode()
    assert "Negeseuon e-bost am syniadau newydd" in page  # Emails about new ideas
    page = client.get(reverse("deliberation:forum_polls", args=[forum.slug])).content.decode()
    assert "Pleidleisiau rhwng cyfarfodydd" in page  # Votes between meetings
