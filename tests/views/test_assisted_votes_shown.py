"""Votes cast with a supporter are shown: a count everywhere, who with whom on the console."""

import pytest
from django.urls import reverse

from deliberation.models import Role
from deliberation.services import polls as poll_services
from tests import factories
from tests.record.conftest import member_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def assisted(forum, meeting):
    ben = factories.member(forum, "lived_experience", name="Ben Price")
    sam = factories.member(forum, "staff", name="Sam Lee", role=Role.SUPPORTER, supports=[ben])
    amira = factories.member(forum, "lived_experience", name="Amira Khan")
    for person in (ben, sam, amira):
        factories.join(meeting, person)
    polls = {}
    for name, secret in (("Named", False), ("Secret", True)):
        poll = factories.poll(
            meeting,
            "yes_no",
            question=f"{name} vote?",
            secret=secret,
            agenda_item=meeting.current_item,
        )
        factories.cast(poll, ben, {"choice": "yes"}, cast_by=sam)
        factories.cast(poll, amira, {"choice": "no"})
        polls[name] = poll_services.poll_close(poll=poll)
    return {"ben": ben, "sam": sam, "amira": amira, **polls}


def test_the_console_says_who_voted_with_whom_for_a_named_vote_only(
    facilitator_client, meeting, assisted
):
    page = facilitator_client.get(
        reverse("deliberation:console", args=[meeting.forum.slug, meeting.pk])
    ).content.decode()
    assert page.count("Votes cast with a supporter: 1") == 2
    assert page.count("Ben Price voted with Sam Lee") == 1
    named = page[page.index(f'id="poll-{assisted["Named"].pk}"') :]
    assert "Ben Price voted with Sam Lee" in named.split("</article>")[0]


def test_the_decision_page_and_projector_count_assisted_votes(forum, meeting, assisted):
    decision = factories.decision(meeting, assisted["Named"])
    reader = member_client(assisted["amira"])
    page = reader.get(reverse("deliberation:decision", args=[forum.slug, decision.pk]))
    assert "Votes cast with a supporter: 1" in page.content.decode()
    assert "Sam Lee" not in page.content.decode()

    projector = reader.get(reverse("deliberation:projector", args=[meeting.projector_token]))
    text = projector.content.decode()
    # The projector shows the last closed vote of the current item: the secret one.
    assert "Votes cast with a supporter: 1" in text
    assert "Sam Lee" not in text and "Ben Price" not in text
