"""'You said, we did': actions, their progress, status changes with reasons, overdue."""

import datetime
import hashlib
import io

import pytest
from django.utils import translation
from PIL import Image

from deliberation import audit, identity, permissions
from deliberation.exceptions import InvalidInput
from deliberation.models import Action, AuditEvent, Role
from deliberation.selectors import record as record_selectors
from deliberation.services import actions as action_services
from deliberation.services.proposals import PhotoInput
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english():
    """Read the plain-words errors in English, whatever an earlier test left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def decision(meeting):
    return factories.decision(meeting)


def last_event(kind):
    return AuditEvent.objects.filter(kind=kind).order_by("-seq").first()


def test_an_action_keeps_its_owner_by_name_and_is_audited(decision, people):
    owner = people["commissioner"][0]
    action = factories.action(decision, owner=owner, description="Ask for a later bus.")
    assert (action.owner, action.owner_name, action.status) == (owner, owner.name, "planned")
    event = last_event("action.created")
    # A member's name sits beside the chain (so it can be erased); the event commits to it.
    opened = audit.opened(event)
    assert opened["owner"] == owner.pk and opened["owner_name"] == owner.name
    assert event.payload["due_on"] == action.due_on.isoformat()
    assert event.payload["decision"] == decision.pk


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"description": "  "}, "easy words"),
        ({"owner_name": ""}, "who will do it"),
        ({"due_on": "next week"}, "date"),
    ],
)
def test_an_action_needs_words_an_owner_and_a_date(decision, kwargs, message):
    with pytest.raises(InvalidInput, match=message):
        factories.action(decision, **kwargs)


def test_an_owner_from_another_forum_is_refused(decision):
    stranger = factories.member(factories.forum(), "staff")
    with pytest.raises(InvalidInput, match="not a member"):
        factories.action(decision, owner=stranger)


@pytest.mark.parametrize(
    ("due", "status", "overdue"),
    [
        (-1, "planned", True),
        (-1, "in_progress", True),
        (0, "planned", False),
        (3, "in_progress", False),
        (-1, "done", False),
        (-1, "dropped", False),
    ],
)
def test_the_overdue_flag(decision, due, status, overdue):
    action = factories.action(decision, due_on=TODAY + datetime.timedelta(days=due))
    if status != "planned":
        action_services.action_progress_add(action=action, note="Moved on.", status=status)
        action.refresh_from_db()
    assert action.is_overdue(TODAY) is overdue
    log = record_selectors.decision_log(decision.forum)
    assert record_selectors.decision_status(log.get(pk=decision.pk)) == (
        "overdue" if overdue else ("done" if status in ("done", "dropped") else "in_progress")
    )
    assert [d.pk for d in record_selectors.decision_log(decision.forum, status="overdue")] == (
        [decision.pk] if overdue else []
    )


def test_progress_moves_the_status_and_keeps_the_reason(decision, people):
    author = people["staff"][0]
    action = factories.action(decision)
    update = action_services.action_progress_add(
        action=action,
        note="We met the bus company.",
        status="in_progress",
        what_helped="The manager came to our meeting.",
        what_got_in_the_way="The timetable is set a year ahead.",
        author=author,
    )
    action.refresh_from_db()
    assert action.status == "in_progress" and action.status_changed_at is not None
    assert (update.status_before, update.status_after) == ("planned", "in_progress")
    payload = audit.opened(last_event("action.progress"))
    assert payload["status_before"] == "planned" and payload["status_after"] == "in_progress"
    assert payload["what_helped"] == "The manager came to our meeting."
    assert payload["what_got_in_the_way"] == "The timetable is set a year ahead."
    assert payload["author"] == author.pk

    note_only = action_services.action_progress_add(action=action, note="Still waiting.")
    assert not note_only.status_changed
    action.refresh_from_db()
    assert action.status == "in_progress"


def test_stopping_an_action_keeps_why_and_reopening_clears_it(decision):
    action = factories.action(decision)
    with pytest.raises(InvalidInput, match="what happened"):
        action_services.action_progress_add(action=action, note=" ", status="dropped")
    action_services.action_progress_add(
        action=action, note="The bus company closed the route.", status="dropped"
    )
    action.refresh_from_db()
    assert action.status == "dropped"
    assert action.dropped_reason == "The bus company closed the route."

    action_services.action_progress_add(
        action=action, note="A new company runs it now.", status="planned"
    )
    action.refresh_from_db()
    assert (action.status, action.dropped_reason) == ("planned", "")
    kinds = [
        (e.payload["status_before"], e.payload["status_after"], audit.opened(e)["note"])
        for e in AuditEvent.objects.filter(kind="action.progress").order_by("seq")
    ]
    assert kinds == [
        ("planned", "dropped", "The bus company closed the route."),
        ("dropped", "planned", "A new company runs it now."),
    ]


def test_a_stopped_action_without_its_reason_is_named_by_the_record_check(decision):
    # Forgetting the note's writer blanks the reason, so the database cannot refuse a
    # blank one; the record can: the reason is the words of the note that stopped it.
    action = factories.action(decision)
    action_services.action_progress_add(action=action, note="The route closed.", status="dropped")
    Action.objects.filter(pk=action.pk).update(dropped_reason="")
    problems = [p.describe() for p in audit.verify_all().problems]
    assert len(problems) == 1, problems
    assert f"deliberation_action row {action.pk}: its dropped_reason is not what" in problems[0]


def _jpeg_with_gps() -> io.BytesIO:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[GPS_IFD] = {1: "N", 2: (51.0, 28.0, 40.0), 3: "W", 4: (3.0, 10.0, 55.0)}
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "orange").save(out, "JPEG", exif=exif)
    out.seek(0)
    return out


def test_a_photo_is_stripped_of_its_metadata_and_hashed_into_the_record(decision):
    action = factories.action(decision)
    with pytest.raises(InvalidInput, match="what the photo shows"):
        action_services.action_progress_add(
            action=action, note="Done.", photo=PhotoInput(_jpeg_with_gps(), " ")
        )
    update = action_services.action_progress_add(
        action=action, note="The new bus stop.", photo=PhotoInput(_jpeg_with_gps(), "Bus stop")
    )
    stored = update.photo.read()
    assert dict(Image.open(io.BytesIO(stored)).getexif()) == {}
    assert (update.photo_width, update.photo_height) == (40, 30)
    digest = hashlib.sha256(stored).hexdigest()
    assert update.photo_sha256 == digest
    payload = last_event("action.progress").payload
    assert payload["photo_sha256"] == digest and payload["photo_description"] == "Bus stop"


def test_editing_an_action_records_what_changed(decision, people):
    action = factories.action(decision)
    action_services.action_edit(
        action=action,
        description=action.description,
        due_on=action.due_on + datetime.timedelta(days=7),
        owner=people["staff"][1],
    )
    payload = last_event("action.edited").payload
    assert payload["changed"] == ["due_on", "owner", "owner_name"]


# -- who may update: one row per person, action state and change ----------------------

PEOPLE = ["facilitator", "owner", "other_member", "observer_owner", "left_owner", "outsider",
          "nobody"]  # fmt: skip
CHANGES = {
    # (action's state, the status asked for): the rule that decides
    "note on a planned action": ("planned", None),
    "start it": ("planned", "in_progress"),
    "finish it": ("in_progress", "done"),
    "stop it": ("in_progress", "dropped"),
    "note on a finished action": ("done", None),
    "reopen a finished action": ("done", "in_progress"),
    "reopen a stopped action": ("dropped", "planned"),
}
OWNER_MAY = {"note on a planned action", "start it", "finish it"}


def _who(name, forum, meeting, people):
    """Return the member this browser is, for each row (None: nobody, or made below)."""
    if name == "facilitator":
        return factories.member(forum, "staff", role=Role.FACILITATOR)
    if name == "owner":
        return people["commissioner"][0]
    if name == "other_member":
        return people["commissioner"][1]
    if name == "observer_owner":
        return factories.member(forum, "commissioner", role=Role.OBSERVER)
    if name == "outsider":
        return factories.member(factories.forum(), "commissioner", role=Role.FACILITATOR)
    return None


@pytest.mark.parametrize("change", list(CHANGES))
@pytest.mark.parametrize("person", PEOPLE)
def test_who_may_update_an_action(forum, meeting, people, decision, person, change):
    from deliberation.services.forums import member_update

    state, status = CHANGES[change]
    who = _who(person, forum, meeting, people)
    owner = who if person in ("owner", "observer_owner") else people["commissioner"][0]
    if person == "left_owner":
        who = owner = factories.member(forum, "commissioner")
    action = factories.action(decision, owner=owner)
    if state != "planned":
        action_services.action_progress_add(action=action, note="Set up.", status=state)
        action.refresh_from_db()
    if person == "left_owner":
        who = member_update(
            member=owner,
            name=owner.name,
            constituency=owner.constituency,
            role=owner.role,
            communication_needs=[],
            supports=[],
            is_active=False,
        )

    rule = permissions.action_change_rule(action, status)
    # Who asks, as their personal link makes them known (nobody: no member at all).
    who = identity.member_principal(who) if who is not None else identity.Principal()
    allowed = person == "facilitator" or (
        person in ("owner", "observer_owner") and change in OWNER_MAY
    )
    assert permissions.can(rule, who, action) is allowed
    assert permissions.can("action.manage", who, action) is (person == "facilitator")
