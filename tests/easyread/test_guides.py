"""The guides: the participant guide passes the app's own easy-read check, in both languages."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from deliberation.easyread import check

# Each of these starts a new line of the guide's text, as a reader meets it.
BLOCKS = {"h1", "h2", "h3", "p", "li", "ul", "ol", "section", "br", "nav"}


class _GuideText(HTMLParser):
    """Collect the words inside the guide (id="guide-text"), one block to a line."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []
        self.pictures = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            if tag not in ("br", "img"):
                self.depth += 1
            if tag in BLOCKS:
                self.parts.append("\n")
            if tag == "img" and "sym" in (dict(attrs).get("class") or ""):
                self.pictures += 1
        elif dict(attrs).get("id") == "guide-text":
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in ("br", "img"):
            self.depth -= 1
            if tag in BLOCKS:
                self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)

    def text(self) -> str:
        lines = (" ".join(line.split()) for line in "".join(self.parts).splitlines())
        return "\n".join(line for line in lines if line)


def guide(name: str, language: str) -> _GuideText:
    client = Client(headers={"accept-language": language})
    response = client.get(reverse(f"deliberation:{name}_guide"))
    assert response.status_code == 200
    assert response.headers["Content-Language"] == language
    parsed = _GuideText()
    parsed.feed(response.content.decode())
    return parsed


def test_the_participant_guide_passes_the_easy_read_check_in_english(db):
    parsed = guide("participant", "en")
    text = parsed.text()
    assert "Send my vote" in text and "I need a break" in text
    findings = [(f.rule, f.severity, f.excerpt) for f in check(text, language="en")]
    # Only advice, and only on the phone's own words, quoted as people see them.
    assert findings == [("passive", "advice", "is saved")]


def test_the_participant_guide_passes_the_easy_read_check_in_welsh(db):
    text = guide("participant", "cy").text()
    assert "Anfon fy mhleidlais" in text
    warnings = [(f.rule, f.excerpt) for f in check(text, language="cy") if f.severity == "warning"]
    assert warnings == []


@pytest.mark.parametrize("name", ["participant", "facilitator"])
def test_each_point_of_a_guide_has_a_picture_beside_it(db, name):
    client = Client()
    page = client.get(reverse(f"deliberation:{name}_guide")).content.decode()
    points = page.count('<li><img class="sym')
    assert points >= 10
    assert page.count("<li>") - page.count('<li><a href="#') >= points  # every point, a picture
    assert "<li><p>" not in page


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_facilitator_guide_is_in_english_and_welsh(db, language):
    text = guide("facilitator", language).text()
    heading = {"en": "Breaks and timers", "cy": "Egwyliau ac amseryddion"}[language]
    assert heading in text
    assert "make run HOST=0.0.0.0" in text
