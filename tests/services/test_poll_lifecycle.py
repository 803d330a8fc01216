"""Polls from creation to decision: settings, secrecy, closing, recording."""

import pytest
from django.db import connection

from deliberation import audit
from deliberation.exceptions import AlreadyVotedSecret, InvalidInput, SettingLocked
from deliberation.models import (
    AuditEvent,
    Ballot,
    Decision,
    Participation,
    Poll,
    SecretBallot,
)
from deliberation.selectors import meetings as meeting_selectors
from deliberation.services import decisions as decision_services
from deliberation.services import polls as poll_services
from tests import factories

pytestmark = pytest.mark.django_db


def test_single_choice_polls_get_their_fixed_choices(meeting):
    poll = factories.poll(meeting, "consent", open_=False)
    assert [o.key for o in poll.options.all()] == ["consent", "concern", "objection"]


def test_multi_option_polls_need_two_options(meeting):
    with pytest.raises(InvalidInput):
        factories.poll(meeting, "score", options=("Only one",))


def test_double_majority_is_refused_for_ranked_polls(meeting):
    with pytest.raises(InvalidInput):
        factories.poll(meeting, "ranked", double_majority=True)


def test_one_open_poll_per_meeting(meeting):
    factories.poll(meeting, "yes_no")
    second = factories.poll(meeting, "yes_no", open_=False)
    with pytest.raises(InvalidInput):
        poll_services.poll_open(poll=second)


@pytest.mark.parametrize(
    ("start", "change"),
    [
        ({"secret": True}, {"secret": False}),
        ({"results_shown": "closed"}, {"results_shown": "live"}),
        ({"results_shown": "all_voted"}, {"results_shown": "live"}),
        ({"double_majority": True}, {"double_majority": False}),
        ({}, {"secret": True}),
        ({}, {"weighting": "per_person"}),
    ],
)
def test_settings_are_locked_once_the_poll_is_open(meeting, start, change):
    poll = factories.poll(meeting, "yes_no", **start)
    with pytest.raises(SettingLocked):
        poll_services.poll_update_settings(poll=poll, **change)
    poll.refresh_from_db()
    for field, value in start.items():
        assert getattr(poll, field) == value


def test_results_can_still_be_hidden_once_open(meeting):
    poll = factories.poll(meeting, "yes_no")
    poll_services.poll_update_settings(poll=poll, results_shown="closed")
    poll.refresh_from_db()
    assert poll.results_shown == "closed" and not poll.results_visible


def test_settings_can_change_before_opening(meeting):
    poll = factories.poll(meeting, "yes_no", open_=False, secret=True)
    poll_services.poll_update_settings(poll=poll, secret=False, weighting="per_person")
    poll.refresh_from_db()
    assert (poll.secret, poll.weighting) == (False, "per_person")


def test_closing_freezes_the_result(meeting, people):
    poll = factories.poll(meeting, "yes_no")
    factories.cast(poll, people["staff"][0], {"choice": "yes"})
    poll_services.poll_close(poll=poll)
    poll.refresh_from_db()

    assert poll.status == Poll.Status.CLOSED
    assert poll.result["voters"] == 1
    assert len(poll.ballot_root) == 64
    closed = AuditEvent.objects.get(kind="poll.closed")
    assert closed.payload["ballot_root"] == poll.ballot_root
    assert closed.payload["ballot_count"] == 1
    # A ballot changed behind the service's back no longer matches the sealed root.
    Ballot.objects.filter(poll=poll).update(answer={"choice": "no"})
    assert audit.seal(poll).root != poll.ballot_root


def test_secret_ballots_store_nothing_that_links_a_voter(meeting, people):
    poll = factories.poll(meeting, "yes_no", secret=True)
    voters = [people["staff"][0], people["lived_experience"][1]]
    for person in voters:
        factories.cast(poll, person, {"choice": "yes"})

    assert not Ballot.objects.filter(poll=poll).exists()
    assert set(Participation.objects.filter(poll=poll).values_list("member", flat=True)) == {
        v.pk for v in voters
    }
    secret_columns = {f.column for f in SecretBallot._meta.concrete_fields}
    assert secret_columns == {
        "id",
        "poll_id",
        "constituency",
        "answer",
        "source",
        "token_hash",
        "client_id",
    }
    participation_columns = {f.column for f in Participation._meta.concrete_fields}
    assert participation_columns == {"id", "poll_id", "member_id", "assisted"}
    # Secret ballots have random keys, so their order says nothing of who voted first.
    assert all(b.id.version == 4 for b in SecretBallot.objects.all())
    for event in AuditEvent.objects.filter(kind="ballot.cast"):
        assert "answer" not in event.payload and "choice" not in str(event.payload)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {SecretBallot._meta.db_table}")
        for row in cursor.fetchall():
            assert not {v.pk for v in voters} & {c for c in row if isinstance(c, int)}


def test_a_secret_vote_can_be_changed_only_with_its_token(meeting, people):
    poll = factories.poll(meeting, "yes_no", secret=True)
    person = people["commissioner"][0]
    first = factories.cast(poll, person, {"choice": "yes"})
    assert first.secret_token

    with pytest.raises(AlreadyVotedSecret):
        factories.cast(poll, person, {"choice": "no"})
    changed = factories.cast(poll, person, {"choice": "no"}, secret_token=first.secret_token)

    assert changed.changed
    assert SecretBallot.objects.filter(poll=poll).count() == 1
    assert SecretBallot.objects.get(poll=poll).answer == {"choice": "no"}


def test_a_secret_poll_never_breaks_out_a_small_group(meeting, people):
    poll = factories.poll(meeting, "yes_no", secret=True)
    factories.cast(poll, people["commissioner"][0], {"choice": "no"})
    for person in people["lived_experience"]:
        factories.cast(poll, person, {"choice": "yes"})

    result = meeting_selectors.compute_result(poll)
    assert "commissioner" not in result["by_constituency"]
    assert "commissioner" in result["suppressed"]
    assert result["weightings"]["per_person"]["totals"]["no"] == 1.0


def test_recording_a_decision_freezes_result_and_attendance(meeting, people, facilitator_user):
    poll = factories.poll(meeting, "traffic_light")
    factories.cast(poll, people["staff"][0], {"choice": "agree"})
    with pytest.raises(InvalidInput):
        decision_services.decision_record(meeting=meeting, poll=poll, outcome="Too early")
    poll_services.poll_close(poll=poll)
    poll.refresh_from_db()

    decision = decision_services.decision_record(
        meeting=meeting,
        poll=poll,
        outcome="We agree to keep the day centre open.",
        rationale="Most people agreed.",
        actor=facilitator_user,
    )

    assert decision.result == poll.result
    assert decision.attendance == {"lived_experience": 3, "staff": 4, "commissioner": 3}
    assert decision.audit_hash == AuditEvent.objects.get(kind="decision.recorded").hash
    with pytest.raises(InvalidInput):
        decision_services.decision_record(meeting=meeting, poll=poll, outcome="Again")
    assert Decision.objects.count() == 1


def test_opening_a_poll_moves_the_meeting_to_its_agenda_item(meeting):
    item = meeting.agenda.order_by("position").last()
    poll = factories.poll(meeting, "yes_no", open_=False, agenda_item=item)
    meeting.refresh_from_db()
    assert meeting.current_item_id != item.pk

    poll_services.poll_open(poll=poll)

    meeting.refresh_from_db()
    assert meeting.current_item_id == item.pk
    assert AuditEvent.objects.filter(kind="agenda.moved").exists()
