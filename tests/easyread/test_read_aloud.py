"""'Read this to me' on the summary page: a button and a static script, nothing inline."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from deliberation.easyread import render

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates" / "easyread"
SCRIPT = Path(settings.BASE_DIR) / "static" / "coprod" / "read-aloud.js"


def test_the_summary_page_offers_read_aloud(facilitator_client, summary):
    url = reverse("deliberation:summary", args=[summary.forum.slug, summary.meeting_id])
    html = facilitator_client.get(url + "?lang=cy").content.decode()
    assert 'data-read-aloud-target="#summary-words"' in html
    assert 'id="summary-words"' in html and 'lang="cy"' in html
    assert re.search(r'<script src="[^"]*coprod/read-aloud\.js" defer></script>', html)
    assert "Darllen hwn i mi" in html


def test_documents_have_no_read_aloud_button(summary):
    # The PDF and the email are read on paper or in a mail program: no button there.
    assert "data-read-aloud-target" not in render.render_html(summary, output=render.DOCUMENT)


def test_no_inline_script_or_event_attribute_for_the_coming_csp():
    for template in ("page.html", "summary.html"):
        source = (TEMPLATES / template).read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", source), template
        assert not re.search(r"\son[a-z]+\s*=", source), template
    script = SCRIPT.read_text()
    assert "speechSynthesis" in script and "innerHTML" not in script and "eval(" not in script
