"""A vote with "hide results until the vote closes" keeps every answer out of reach until then."""

import json

import pytest
from django.urls import reverse

from deliberation.services import polls as poll_services
from tests import factories
from tests.record.conftest import member_client

pytestmark = pytest.mark.django_db


def chain(client, forum) -> list[dict]:
    response = client.get(reverse("deliberation:audit_jsonl", args=[forum.slug]))
    assert response.status_code == 200
    return [json.loads(line) for line in response.getvalue().splitlines()]


def ballot_events(events: list[dict]) -> list[dict]:
    return [e for e in events if e["kind"] in ("ballot.cast", "ballot.changed")]


def test_no_member_reads_a_hidden_votes_answers_in_the_chain_before_it_closes(
    forum, meeting, people
):
    poll = factories.poll(meeting, "yes_no", question="Close the café?", results_shown="closed")
    factories.cast(poll, people["lived_experience"][0], {"choice": "no"})
    factories.cast(poll, people["staff"][0], {"choice": "yes"})
    reader = member_client(people["commissioner"][0])

    events = ballot_events(chain(reader, forum))
    assert len(events) == 2
    for event in events:
        assert "choice" not in json.dumps(event), event

    # Once the vote has closed, the answers are shown and match what the chain committed to.
    poll_services.poll_close(poll=poll)
    answers = set()
    for event in ballot_events(chain(reader, forum)):
        (beside,) = event["beside"].values()
        answers.add(beside["value"]["choice"])
    assert answers == {"yes", "no"}


def test_answers_given_before_the_results_were_hidden_are_hidden_too(forum, meeting, people):
    poll = factories.poll(meeting, "yes_no", question="Close the café?")
    factories.cast(poll, people["lived_experience"][0], {"choice": "no"})
    poll_services.poll_update_settings(poll=poll, results_shown="closed")
    reader = member_client(people["commissioner"][0])
    for event in ballot_events(chain(reader, forum)):
        assert "choice" not in json.dumps(event), event
