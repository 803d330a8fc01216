"""The projector's results: counts of people lead, parity is shown as shares, in parts."""

import re
from html.parser import HTMLParser

from django.conf import settings
from django.urls import reverse

from deliberation import display
from deliberation.services import agenda as agenda_services
from deliberation.services import polls as poll_services
from tests import factories

VOID = {"img", "input", "br", "meta", "link", "source", "hr", "wbr"}


class Parts(HTMLParser):
    """The text of each data-part of the projector's results, and whether it is hidden."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, int | None]] = []
        self.parts: list[dict[str, object]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        found = dict(attrs)
        index = None
        if "data-part" in found:
            self.parts.append({"part": found["data-part"], "hidden": "hidden" in found, "text": ""})
            index = len(self.parts) - 1
        self.stack.append((tag, index))

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        for _, index in reversed(self.stack):
            if index is not None:
                self.parts[index]["text"] += data  # type: ignore[operator]
                return


def _projector_parts(client, meeting) -> tuple[str, list[dict[str, object]]]:
    page = client.get(reverse("deliberation:projector", args=[meeting.projector_token]))
    html = page.content.decode()
    stage = html[html.index('id="stage-poll"') : html.index('class="stage-side"')]
    parser = Parts()
    parser.feed(stage)
    for part in parser.parts:
        part["text"] = " ".join(str(part["text"]).split())
    return stage, parser.parts


def test_one_objector_among_unequal_groups_is_one_person_not_a_fraction(client, forum, meeting):
    people = factories.people(forum, meeting)
    item = meeting.agenda.order_by("position").first()
    agenda_services.agenda_move(meeting=meeting, item=item)
    poll = factories.poll(meeting, "consent", question="Can you live with that?", agenda_item=item)
    # One person with lived experience objects; four staff (with the supporter) and three
    # commissioners consent: by parity that one objection weighs 2.7 people.
    lived = people["lived_experience"]
    factories.cast(poll, lived[0], {"choice": "objection", "reason": "It is too far."})
    voters = [*people["staff"], people["supporter"], *people["commissioner"]]
    for person in voters:
        factories.cast(poll, person, {"choice": "consent"})
    poll = poll_services.poll_close(poll=poll)

    stage, parts = _projector_parts(client, meeting)
    assert [p["part"] for p in parts] == [
        "overall", "parity", "common_ground", "group", "group", "group", "objections"
    ]  # fmt: skip
    # Without the script, the projector shows the first part and says there are more.
    assert [p["hidden"] for p in parts] == [False] + [True] * 6
    assert "Part 1 of 7" in stage
    overall = str(parts[0]["text"])
    assert "Not passed" in overall
    assert "I object 1 person · 12%" in overall
    assert "I can live with it 7 people · 88%" in overall
    assert "We decided with each group counting the same." in overall
    # No number of people in the headline is a fraction.
    assert not re.search(r"\d\.\d", overall)
    # The parity count is its own part, labelled, in shares only.
    parity = str(parts[1]["text"])
    assert parity.startswith("Each group counts the same")
    assert "I object 33%" in parity
    assert "people" not in parity.replace("however many people", "")
    assert not re.search(r"\d\.\d", parity)
    group = str(parts[3]["text"])
    assert "People with lived experience" in group and "I object 1 person · 100%" in group
    assert "It is too far." in str(parts[-1]["text"])

    # In Welsh, the parts and the counts too (the script fills "Rhan %(n)s o %(total)s").
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    stage, parts = _projector_parts(client, meeting)
    assert "Rhan 1 o 7" in stage and 'data-words="Rhan %(n)s o %(total)s"' in stage
    assert "7 o bobl · 88%" in str(parts[0]["text"])


def test_dots_and_points_are_counted_as_what_they_are(client, forum, meeting):
    people = factories.people(forum, meeting)
    item = meeting.agenda.order_by("position").first()
    agenda_services.agenda_move(meeting=meeting, item=item)
    poll = factories.poll(meeting, "dots", options=("Buses", "Jobs"), agenda_item=item)
    buses, jobs = poll.options.values_list("key", flat=True)
    factories.cast(poll, people["staff"][0], {"dots": {buses: 1}})
    factories.cast(poll, people["commissioner"][0], {"dots": {buses: 1, jobs: 2}})
    poll_services.poll_close(poll=poll)
    _, parts = _projector_parts(client, meeting)
    overall = str(parts[0]["text"])
    assert "Buses 2 dots · 50%" in overall and "Jobs 2 dots · 50%" in overall
    assert display.count_text("dots", "1") == "1 dot"
    assert display.count_text("points", "14") == "14 points"
    assert display.count_text("people", "1") == "1 person"
