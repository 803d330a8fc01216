"""When results are shown: a new vote waits for everyone here, or for the facilitator."""

import io

import pytest
from django.core.management import call_command

from deliberation import display
from deliberation.exceptions import NotAllowed, SettingLocked
from deliberation.models import AuditEvent, Poll, Role
from deliberation.selectors import meetings as meeting_selectors
from deliberation.services import polls as poll_services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(forum, meeting):
    """Two self-advocates (one with a supporter), a staff member and an observer, here."""
    ben = factories.member(forum, "lived_experience", name="Ben Price")
    amira = factories.member(forum, "lived_experience", name="Amira Khan")
    sam = factories.member(forum, "staff", name="Sam Lee", role=Role.SUPPORTER, supports=[ben])
    watcher = factories.member(forum, "commissioner", name="Oli Watts", role=Role.OBSERVER)
    for person in (ben, amira, sam, watcher):
        factories.join(meeting, person)
    return {"ben": ben, "amira": amira, "sam": sam, "watcher": watcher}


def new_vote(meeting, **kwargs) -> Poll:
    """A vote as the console makes it: with the setting a new vote gets by default."""
    poll = poll_services.poll_create(
        forum=meeting.forum, meeting=meeting, question="Keep the café open?", method="yes_no"
    )
    return poll_services.poll_open(poll=poll, **kwargs)


def shown(poll: Poll) -> dict:
    """What the screens are sent of the poll's results now."""
    poll.refresh_from_db()
    return meeting_selectors.tally_event(poll.pk)["shown"]


def kinds(forum) -> list[str]:
    return list(AuditEvent.objects.filter(forum=forum).values_list("kind", flat=True))


def test_a_new_vote_waits_for_everyone_here(meeting, room):
    poll = new_vote(meeting)
    assert poll.results_shown == "all_voted"
    factories.cast(poll, room["amira"], {"choice": "no"})

    first = shown(poll)
    # No verdict, no counts per option: only how many of the people here have voted.
    assert first == {
        "poll": poll.pk,
        "closed": False,
        "visible": False,
        "waits": "everyone",
        # The observer may not vote, so is not waited for.
        "progress": {"voted": 1, "expected": 3},
    }
    assert display.build_results(meeting_selectors.poll_dict(poll))["progress_text"] == (
        "1 of 3 people here have voted."
    )

    factories.cast(poll, room["sam"], {"choice": "yes"})
    assert not shown(poll)["visible"]
    # Ben votes with his supporter: his vote counts as his.
    factories.cast(poll, room["ben"], {"choice": "yes"}, cast_by=room["sam"])
    after = shown(poll)
    assert after["visible"] and after["outcome"]["passed"] is True
    assert after["assisted"] == 1
    assert kinds(meeting.forum)[-1] == "poll.results_shown"
    event = AuditEvent.objects.filter(kind="poll.results_shown").get()
    assert event.payload["why"] == "everyone_voted"
    assert poll.results_shown_at is not None


def test_the_facilitator_shows_the_results_now(meeting, room, facilitator_user):
    poll = new_vote(meeting)
    factories.cast(poll, room["amira"], {"choice": "no"})
    assert not shown(poll)["visible"]

    poll_services.poll_results_show(poll=poll, actor=facilitator_user)

    assert shown(poll)["visible"]
    event = AuditEvent.objects.filter(kind="poll.results_shown").get()
    assert event.payload["why"] == "facilitator"
    assert f"deliberation_poll:{poll.pk}" in event.payload["binds"]
    # Every poll setting, the moment shown included, is bound: the chain still verifies.
    out = io.StringIO()
    call_command("verify_audit", stdout=out)


def test_a_hand_count_is_the_facilitators_signal(meeting, room):
    poll = new_vote(meeting)
    poll_services.hand_count_set(
        poll=poll, constituency="lived_experience", counts={"yes": 4}, entered_by=None
    )
    assert shown(poll)["visible"]
    assert AuditEvent.objects.get(kind="poll.results_shown").payload["why"] == "hand_count"


@pytest.mark.parametrize("protection", [{"results_shown": "closed"}, {"secret": True}])
def test_results_hidden_until_close_cannot_be_shown_early(meeting, room, protection):
    poll = poll_services.poll_create(
        forum=meeting.forum,
        meeting=meeting,
        question="Keep the café open?",
        method="yes_no",
        **protection,
    )
    poll_services.poll_open(poll=poll)
    with pytest.raises(SettingLocked):
        poll_services.poll_results_show(poll=poll)
    for person in ("ben", "amira", "sam"):
        factories.cast(poll, room[person], {"choice": "yes"})
    # Everyone voted, and still nothing shows before the vote closes.
    assert not shown(poll)["visible"]
    assert "poll.results_shown" not in kinds(meeting.forum)


def test_an_open_vote_may_show_results_later_but_never_earlier(meeting, room):
    poll = new_vote(meeting)
    with pytest.raises(SettingLocked):
        poll_services.poll_update_settings(poll=poll, results_shown="live")
    poll_services.poll_update_settings(poll=poll, results_shown="closed")
    with pytest.raises(SettingLocked):
        poll_services.poll_update_settings(poll=poll, results_shown="all_voted")
    for person in ("ben", "amira", "sam"):
        factories.cast(poll, room[person], {"choice": "yes"}, cast_by=None)
    assert not shown(poll)["visible"]


def test_a_supporter_is_told_what_to_do_when_the_person_is_not_here(forum, meeting):
    ben = factories.member(forum, "lived_experience", name="Ben Price")
    sam = factories.member(forum, "staff", name="Sam Lee", role=Role.SUPPORTER, supports=[ben])
    factories.join(meeting, sam)
    poll = factories.poll(meeting, "yes_no")
    with pytest.raises(NotAllowed) as refused:
        factories.cast(poll, ben, {"choice": "yes"}, cast_by=sam)
    assert refused.value.message == (
        "Ben Price is not marked as here. Ask the facilitator to mark Ben Price as here, "
        "then try again."
    )


def test_the_console_lists_who_voted_with_whom_for_named_votes_only(meeting, room):
    named = factories.poll(meeting, "yes_no")
    factories.cast(named, room["ben"], {"choice": "yes"}, cast_by=room["sam"])
    poll_services.poll_close(poll=named)
    secret = factories.poll(meeting, "yes_no", secret=True)
    factories.cast(secret, room["ben"], {"choice": "yes"}, cast_by=room["sam"])
    poll_services.poll_close(poll=secret)

    listed = meeting_selectors.assisted_votes(meeting)
    assert listed == {named.pk: [{"voter": "Ben Price", "supporter": "Sam Lee"}]}
    # The count is shown for both, never who.
    secret.refresh_from_db()
    assert secret.result["voters_by_source"] == {"assisted": 1}


def test_a_screen_waiting_for_everyone_says_the_count_once(client, meeting, room):
    # "1 of 3 people here have voted." says it all: no second "People who voted: 1".
    poll = new_vote(meeting)
    factories.cast(poll, room["amira"], {"choice": "no"})
    page = client.get(f"/p/{meeting.projector_token}/").content.decode()
    assert "1 of 3 people here have voted." in page
    main = page.split('id="stage-poll"')[1].split("</template>")[0].split("<template")[0]
    assert "People who voted" not in main
