"""A row that the pages show as the record, added to the database by hand, is named.

Every such row is bound by the event that made it; one that no event binds was put
there behind the app's back, and `verify_audit` says which table and row.
"""

import datetime

import pytest

from deliberation import audit
from deliberation.models import Action, PollOption
from tests import factories
from tests.audit.conftest import run_sql

pytestmark = pytest.mark.django_db


def test_an_action_added_by_hand_is_named(forum, record):
    assert audit.verify_all().ok
    added = Action.objects.create(
        decision=record["decision"],
        forum=forum,
        description="Ask about the Sunday bus.",
        owner_name="Transport team",
        due_on=datetime.date(2026, 1, 5),
    )
    assert [p.describe() for p in audit.verify_all().problems] == [
        f"forum {forum.slug!r} (id {forum.pk}): deliberation_action row {added.pk}: "
        "no event in the record binds it"
    ]


def test_an_option_added_by_hand_to_a_poll_is_named(forum, meeting):
    poll = factories.poll(meeting, "dots", options=("Buses", "Parks"))
    assert audit.verify_all().ok
    added = PollOption.objects.create(poll=poll, key="shops", label="Shops", position=2)
    assert [p.describe() for p in audit.verify_all().problems] == [
        f"forum {forum.slug!r} (id {forum.pk}): deliberation_polloption row {added.pk}: "
        "no event in the record binds it"
    ]
    run_sql("UPDATE deliberation_polloption SET label = 'Cars' WHERE id = %s", [added.pk])
    assert not audit.verify_all().ok
