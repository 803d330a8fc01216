"""Every element id on the console is unique, so each label ticks its own box."""

from collections import Counter
from html.parser import HTMLParser

from django.urls import reverse

from deliberation.services import polls as poll_services
from tests import factories


class _Ids(HTMLParser):
    """Collect the ids of the document, leaving out the inert <template> copies."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.label_targets: list[str] = []
        self._in_template = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "template":
            self._in_template += 1
        if self._in_template:
            return
        values = dict(attrs)
        if values.get("id"):
            self.ids[values["id"] or ""] += 1
        if tag == "label" and values.get("for"):
            self.label_targets.append(values["for"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "template" and self._in_template:
            self._in_template -= 1


def parse_ids(page: str) -> _Ids:
    parser = _Ids()
    parser.feed(page)
    return parser


def duplicates(page: str) -> dict[str, int]:
    return {name: n for name, n in parse_ids(page).ids.items() if n > 1}


def console_url(meeting):
    return reverse("deliberation:console", args=[meeting.forum.slug, meeting.pk])


def test_the_console_has_no_duplicate_id(facilitator_client, meeting, people):
    # Votes in every state, a decision and its action form: every form the console draws.
    closed = factories.poll(meeting, "yes_no", question="Shall we meet monthly?")
    factories.decision(meeting, poll_services.poll_close(poll=closed))
    factories.poll(meeting, "ranked", open_=False, question="Which first?")
    factories.poll(meeting, "traffic_light", open_=False, question="Buses?")
    factories.poll(meeting, "consent", question="Do we consent?")
    page = facilitator_client.get(console_url(meeting)).content.decode()
    assert sorted(duplicates(page).items()) == []
    found = parse_ids(page)
    missing = [target for target in found.label_targets if target not in found.ids]
    assert missing == []


def test_a_settings_form_shown_again_with_its_error_keeps_its_own_ids(facilitator_client, meeting):
    first = factories.poll(meeting, "yes_no", open_=False, question="First?")
    factories.poll(meeting, "yes_no", open_=False, question="Second?")
    url = reverse(
        "deliberation:console_action", args=[meeting.forum.slug, meeting.pk, "poll_settings"]
    )
    # A question left empty: the console comes back with this form's error.
    response = facilitator_client.post(
        url, {"poll": first.pk, "question": "", "weighting": "parity"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert sorted(duplicates(page).items()) == []
    assert f'id="poll-{first.pk}-question"' in page
