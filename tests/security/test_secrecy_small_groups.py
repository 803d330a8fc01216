"""In a secret poll, how a group of fewer than 3 voted is shown nowhere.

Played by a member reading everything they can reach (trust model, person 2): the
live tallies on the projector and console (and each change between two of them), the
snapshots screens start from, the pages, the decision record and its exports. A lone
self-advocate votes yes in one poll and no in another; staff votes make up the
difference, so the overall count is the same. Everything anyone sees must be too.
"""

import json
import re
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from deliberation import audit, display, methods
from deliberation.selectors import meetings as meeting_selectors
from deliberation.services import polls as poll_services
from tests import factories

pytestmark = pytest.mark.django_db

# Ids, times and hashes differ between any two polls; what was counted must not.
# "binds" is the record's hash of the poll row, which holds the id and the seal (ballot_root).
VARYING = {
    "id",
    "poll",
    "version",
    "url",
    "recorded_at",
    "audit_hash",
    "ballot_root",
    "meeting",
    "binds",
}


def strip(value: Any) -> Any:
    """Drop what differs between any two polls, keeping everything that was counted."""
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k not in VARYING}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value


def screens(meeting, poll) -> dict[str, Any]:
    """Return what each screen is told about a poll now: tally event, snapshots, results."""
    seen: dict[str, Any] = {"tally": strip(meeting_selectors.tally_event(poll.pk))}
    for audience in meeting_selectors.AUDIENCES:
        snapshot = meeting_selectors.meeting_snapshot(meeting.pk, audience=audience)
        entry = next(p for p in snapshot["polls"] if p["id"] == poll.pk)
        seen[audience] = strip(entry)
        shaped = display.build_results(entry)
        seen[f"{audience} page"] = render_to_string(
            "deliberation/includes/results.html", {"res": shaped, "show_count": True}
        ).replace(f'data-results-for="{poll.pk}"', "")
    return seen


def run_poll(meeting, people, client, staff_answers, lone_answer, **settings) -> list[Any]:
    """Hold one secret poll and return everything shown about it, step by step."""
    poll = factories.poll(meeting, "yes_no", secret=True, question="Shall we?", **settings)
    shown = [screens(meeting, poll)]
    for person, choice in zip(people["staff"], staff_answers, strict=True):
        factories.cast(poll, person, {"choice": choice})
        shown.append(screens(meeting, poll))
    factories.cast(poll, people["lived_experience"][0], {"choice": lone_answer})
    shown.append(screens(meeting, poll))
    poll = poll_services.poll_close(poll=poll)
    shown.append(screens(meeting, poll))
    shown.append(strip(audit.closing_event(poll).payload))
    decision = factories.decision(meeting, poll=poll, outcome="We decided.")
    shown.append(strip(decision.result))
    exported = client.get(reverse("deliberation:decisions_json", args=[meeting.forum.slug]))
    entry = next(d for d in json.loads(exported.getvalue())["decisions"] if d["id"] == decision.pk)
    shown.append(strip(entry))
    page = client.get(reverse("deliberation:decision", args=[meeting.forum.slug, decision.pk]))
    html = page.content.decode()
    start = html.index('<div class="results"')
    section = html[start : html.index("</main>", start)]
    section = re.sub(
        r'data-results-for="\d+"|/\d+/|value="\d+"|[0-9a-f]{64}'
        r'|name="csrfmiddlewaretoken" value="[^"]*"',
        "",
        section,
    )
    shown.append(section)
    return shown


@pytest.mark.parametrize(
    "rules",
    [
        {"weighting": "parity"},
        {"weighting": "per_person"},
        {"weighting": "parity", "double_majority": True},
        {"weighting": "parity", "lived_experience_consent": True},
    ],
    ids=["parity", "per-person", "double-majority", "lived-experience-consent"],
)
def test_a_lone_yes_and_a_lone_no_look_the_same_everywhere(
    meeting, people, facilitator_client, rules
):
    lone_yes = run_poll(meeting, people, facilitator_client, ["yes", "no", "no"], "yes", **rules)
    lone_no = run_poll(meeting, people, facilitator_client, ["yes", "yes", "no"], "no", **rules)

    for step, (one, other) in enumerate(zip(lone_yes, lone_no, strict=True)):
        assert one == other, f"step {step} tells the two lone votes apart"


def test_no_reason_names_the_small_group_of_a_secret_poll(meeting, people):
    poll = factories.poll(meeting, "yes_no", secret=True, lived_experience_consent=True)
    for person in people["staff"]:
        factories.cast(poll, person, {"choice": "yes"})
    factories.cast(poll, people["lived_experience"][0], {"choice": "no"})
    poll = poll_services.poll_close(poll=poll)

    reasons = " ".join(poll.result["outcome"]["reasons"])
    assert "Someone with lived experience" not in reasons
    assert "tie" not in reasons.lower()


@pytest.mark.parametrize(
    "reason",
    [methods.PROTECTED_PER_PERSON, methods.PROTECTED_GROUP_RULE, methods.PROTECTED_LE_RULE],
)
def test_the_protected_reasons_are_in_welsh(reason):
    with translation.override("cy"):
        assert gettext(reason) != reason
