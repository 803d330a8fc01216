"""Test data, made through the same services the app uses."""

import itertools
import uuid
from typing import Any

from django.contrib.auth import get_user_model

from deliberation.models import Attendance, Forum, Meeting, Member, Poll, Role
from deliberation.services import ballots as ballot_services
from deliberation.services import forums as forum_services
from deliberation.services import meetings as meeting_services
from deliberation.services import polls as poll_services
from deliberation.services.polls import OptionInput

_seq = itertools.count(1)


def forum(**kwargs: Any) -> Forum:
    n = next(_seq)
    return forum_services.forum_create(
        name=kwargs.pop("name", f"Partnership Board {n}"), slug=f"board-{n}", **kwargs
    )


def user(*, staff: bool = False, password: str = "a-long-test-password") -> Any:
    n = next(_seq)
    return get_user_model().objects.create_user(
        username=f"user{n}", password=password, is_staff=staff
    )


def facilitator(forum: Forum) -> Any:
    account = user(staff=True)
    forum_services.member_add(
        forum=forum,
        name=f"Facilitator {account.pk}",
        constituency="staff",
        role=Role.FACILITATOR,
        user=account,
    )
    return account


def member(forum: Forum, constituency: str = "lived_experience", **kwargs: Any) -> Member:
    n = next(_seq)
    return forum_services.member_add(
        forum=forum, name=kwargs.pop("name", f"Person {n}"), constituency=constituency, **kwargs
    )


def open_meeting(forum: Forum, actor: Any = None, **kwargs: Any) -> Meeting:
    meeting = meeting_services.meeting_create(
        forum=forum,
        title=kwargs.pop("title", "Board meeting"),
        agenda=kwargs.pop("agenda", ["Welcome", "Day services", "Transport"]),
        actor=actor,
        **kwargs,
    )
    return meeting_services.meeting_open(meeting=meeting, actor=actor)


def join(meeting: Meeting, member: Member, device: str | None = None) -> Attendance:
    return meeting_services.attendance_join(
        meeting=meeting, member=member, via="invite", device_token=device or uuid.uuid4().hex
    )


def people(forum: Forum, meeting: Meeting) -> dict[str, Any]:
    """Three of each constituency, present, and a supporter of the first self-advocate."""
    groups: dict[str, list[Member]] = {}
    for constituency in ("lived_experience", "staff", "commissioner"):
        groups[constituency] = []
        for _ in range(3):
            person = member(forum, constituency)
            join(meeting, person)
            groups[constituency].append(person)
    supporter = member(
        forum, "staff", role=Role.SUPPORTER, supports=[groups["lived_experience"][0]]
    )
    join(meeting, supporter)
    return {**groups, "supporter": supporter}


def poll(
    meeting: Meeting,
    method: str = "traffic_light",
    *,
    open_: bool = True,
    options: tuple[str, ...] = ("Day centres", "Buses", "Jobs"),
    **kwargs: Any,
) -> Poll:
    # Results live unless a test says otherwise: most tests watch the count as it moves
    # (a new vote made on the console waits for everyone here, the model's default).
    kwargs.setdefault("results_shown", "live")
    created = poll_services.poll_create(
        forum=meeting.forum,
        meeting=meeting,
        question=kwargs.pop("question", "Do we agree?"),
        method=method,
        options=[OptionInput(label) for label in options],
        dots=kwargs.pop("dots", 3 if method == "dots" else 0),
        **kwargs,
    )
    return poll_services.poll_open(poll=created) if open_ else created


def cast(poll: Poll, voter: Member | None, answer: dict[str, Any], **kwargs: Any):
    return ballot_services.ballot_cast(
        poll=poll,
        voter=voter,
        answer=answer,
        client_id=kwargs.pop("client_id", uuid.uuid4()),
        **kwargs,
    )


def decision(meeting: Meeting, poll: Poll | None = None, **kwargs: Any) -> Any:
    from deliberation.services.decisions import decision_record

    return decision_record(
        meeting=meeting,
        poll=poll,
        outcome=kwargs.pop("outcome", "We will ask for more buses."),
        outcome_easy_read=kwargs.pop("outcome_easy_read", "We want more buses."),
        **kwargs,
    )


def action(decision: Any, **kwargs: Any) -> Any:
    import datetime

    from deliberation.services.actions import action_create

    if "owner" not in kwargs:
        kwargs.setdefault("owner_name", "Transport team")
    return action_create(
        decision=decision,
        description=kwargs.pop("description", "Ask the bus company for a later bus."),
        due_on=kwargs.pop("due_on", datetime.date.today() + datetime.timedelta(days=30)),
        **kwargs,
    )


def link_sign_in(client: Any, member: Member) -> Any:
    """Press "Yes, this is me" on a member's personal link page, as the person does.

    Opening the link changes nothing; only this button (a POST) says who the browser
    is. It does not join an open meeting (that is the other button).
    """
    from django.urls import reverse

    url = reverse("deliberation:invite", args=[member.invite_token])
    client.get(url)
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    return client.post(url, {"next": "proposals", "csrfmiddlewaretoken": token})
