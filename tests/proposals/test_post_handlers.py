"""Every POST of the proposal threads and of starting and counting votes between meetings.

For each form: it works and writes its audit event; a form with a mistake is shown again
with a clear error (400) and changes nothing; someone who may not do it is refused (403)
and nothing is written.
"""

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from deliberation.models import AuditEvent, Comment, Member, Poll, Proposal
from deliberation.services import comments as comment_services
from deliberation.services import forum_polls
from deliberation.services import proposals as services
from tests import factories
from tests.proposals.conftest import make_proposal

pytestmark = pytest.mark.django_db


@dataclass
class Thread:
    """A forum's thread as each case needs it: an idea, a comment on it, a shortlisted idea."""

    forum: Any
    cast: dict[str, Member]
    proposal: Proposal
    comment: Comment
    shortlisted: Proposal
    meeting: Any
    made: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def thread(forum, cast, facilitator_user) -> Thread:
    proposal = make_proposal(forum, cast["participant"])
    comment = comment_services.comment_add(
        proposal=proposal, author=cast["participant"], body="Yes!"
    )
    shortlisted = make_proposal(forum, cast["supporter"], title="A cafe", symbol="food")
    services.proposal_status_change(
        proposal=shortlisted, to="shortlisted", reason="Popular", by=cast["facilitator"]
    )
    meeting = factories.open_meeting(forum, actor=facilitator_user)
    return Thread(forum, cast, proposal, comment, shortlisted, meeting)


def png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (20, 120, 200)).save(out, "PNG")
    return SimpleUploadedFile("bus.png", out.getvalue(), content_type="image/png")


def action_url(t: Thread, action: str) -> str:
    return reverse("deliberation:proposal_action", args=[t.forum.slug, t.proposal.pk, action])


def proposal_url(t: Thread) -> str:
    return reverse("deliberation:proposal", args=[t.forum.slug, t.proposal.pk])


@dataclass
class Case:
    """One POST handler: who may use it, what it is sent, what it says and writes."""

    url: Callable[[Thread], str]
    by: str
    data: Callable[[Thread], dict[str, Any]]
    kind: str
    said: str
    goes_to: Callable[[Thread], str]
    invalid: Callable[[Thread], dict[str, Any]] | None
    error: str
    refused: str
    before: Callable[[Thread], None] = field(default=lambda t: None)


CASES: dict[str, Case] = {
    "proposal_new": Case(
        url=lambda t: reverse("deliberation:proposal_new", args=[t.forum.slug]),
        by="participant",
        data=lambda t: {
            "title": "A bench at the bus stop",
            "summary": "We wait a long time. We want to sit.",
            "symbol": "transport",
            "body": "",
        },
        kind="proposal.created",
        said="Thank you. Your idea is saved.",
        goes_to=lambda t: reverse(
            "deliberation:proposal", args=[t.forum.slug, Proposal.objects.latest("pk").pk]
        ),
        invalid=lambda t: {
            "title": "A bench",
            "summary": "One. Two. Three. Four.",
            "symbol": "transport",
        },
        error="Please use 3 short sentences or fewer.",
        refused="observer",
    ),
    "proposal_edit": Case(
        url=lambda t: reverse("deliberation:proposal_edit", args=[t.forum.slug, t.proposal.pk]),
        by="participant",
        data=lambda t: {
            "title": "More buses at night",
            "summary": "Buses stop at 6.",
            "symbol": "transport",
            "body": "",
        },
        kind="proposal.edited",
        said="The changes are saved.",
        goes_to=proposal_url,
        invalid=lambda t: {"title": "", "summary": "Buses stop at 6.", "symbol": "transport"},
        error="This field is required.",
        refused="supporter",
    ),
    "endorse": Case(
        url=lambda t: action_url(t, "endorse"),
        by="supporter",
        data=lambda t: {},
        kind="proposal.endorsed",
        said="Thank you. Your support is counted.",
        goes_to=lambda t: proposal_url(t) + "#endorse",
        invalid=None,
        error="",
        refused="observer",
    ),
    "comment": Case(
        url=lambda t: action_url(t, "comment"),
        by="supporter",
        data=lambda t: {"body": "I agree.", "parent": t.comment.pk},
        kind="comment.added",
        said="Your comment is saved.",
        goes_to=lambda t: proposal_url(t) + f"#comment-{Comment.objects.latest('pk').pk}",
        invalid=lambda t: {"body": ""},
        error="This field is required.",
        refused="observer",
    ),
    "photo": Case(
        url=lambda t: action_url(t, "photo"),
        by="participant",
        data=lambda t: {"photo": png(), "photo_description": "The bus stop at night"},
        kind="proposal.photo_added",
        said="The photo is added.",
        goes_to=lambda t: proposal_url(t) + "#photo",
        invalid=lambda t: {"photo_description": "The bus stop"},
        error="Please choose a photo.",
        refused="observer",
    ),
    "hide": Case(
        url=lambda t: action_url(t, "hide"),
        by="facilitator",
        data=lambda t: {"reason": "Off topic"},
        kind="proposal.hidden",
        said="The proposal is hidden. People see your reason instead.",
        goes_to=lambda t: proposal_url(t) + "#hide",
        invalid=lambda t: {"reason": ""},
        error="This field is required.",
        refused="participant",
    ),
    "hide_comment": Case(
        url=lambda t: action_url(t, "hide"),
        by="facilitator",
        data=lambda t: {"reason": "Unkind", "comment": t.comment.pk},
        kind="comment.hidden",
        said="The comment is hidden. People see your reason instead.",
        goes_to=lambda t: proposal_url(t) + "#hide",
        invalid=lambda t: {"reason": "Unkind", "comment": "first"},
        error="Enter a whole number.",
        refused="supporter",
    ),
    "unhide": Case(
        url=lambda t: action_url(t, "unhide"),
        by="facilitator",
        data=lambda t: {},
        kind="proposal.shown",
        said="The proposal is shown again.",
        goes_to=lambda t: proposal_url(t) + "#unhide",
        invalid=None,
        error="",
        refused="participant",
        before=lambda t: services.proposal_hide(
            proposal=t.proposal, by=t.cast["facilitator"], reason="Off topic"
        ),
    ),
    "unhide_comment": Case(
        url=lambda t: action_url(t, "unhide"),
        by="facilitator",
        data=lambda t: {"comment": t.comment.pk},
        kind="comment.shown",
        said="The comment is shown again.",
        goes_to=lambda t: proposal_url(t) + "#unhide",
        invalid=None,
        error="",
        refused="participant",
        before=lambda t: comment_services.comment_hide(
            comment=t.comment, by=t.cast["facilitator"], reason="Unkind"
        ),
    ),
    "status": Case(
        url=lambda t: action_url(t, "status"),
        by="facilitator",
        data=lambda t: {"to": "shortlisted", "reason": "Many people support it"},
        kind="proposal.status_changed",
        said="The proposal has moved on. The reason is on its timeline.",
        goes_to=lambda t: proposal_url(t) + "#status",
        invalid=lambda t: {"to": "somewhere", "reason": "Why not"},
        error="Please choose an answer.",
        refused="participant",
    ),
    "withdraw": Case(
        url=lambda t: action_url(t, "withdraw"),
        by="participant",
        data=lambda t: {"reason": "The council did it already"},
        kind="proposal.status_changed",
        said="You have taken back your proposal.",
        goes_to=lambda t: proposal_url(t) + "#withdraw",
        invalid=lambda t: {"reason": ""},
        error="This field is required.",
        refused="supporter",
    ),
    "comment_edit": Case(
        url=lambda t: reverse("deliberation:comment_edit", args=[t.forum.slug, t.comment.pk]),
        by="participant",
        data=lambda t: {"body": "Yes, please!"},
        kind="comment.edited",
        said="Your comment is changed.",
        goes_to=lambda t: proposal_url(t) + f"#comment-{t.comment.pk}",
        invalid=lambda t: {"body": ""},
        error="This field is required.",
        refused="supporter",
    ),
    "proposals_schedule": Case(
        url=lambda t: reverse("deliberation:proposals_schedule", args=[t.forum.slug]),
        by="facilitator",
        data=lambda t: {
            "meeting": t.meeting.pk,
            "proposals": [t.shortlisted.pk],
            "method": "yes_no",
            "question": "Shall we ask for a cafe?",
        },
        kind="proposal.scheduled",
        said="with a vote ready.",
        goes_to=lambda t: (
            reverse("deliberation:console", args=[t.forum.slug, t.meeting.pk])
            + f"#poll-{t.meeting.polls.latest('pk').pk}"
        ),
        invalid=lambda t: {"meeting": t.meeting.pk, "method": "yes_no"},
        error="Please choose at least one proposal from the shortlist.",
        refused="participant",
    ),
    "notify": Case(
        url=lambda t: reverse("deliberation:notify", args=[t.forum.slug]),
        by="participant",
        data=lambda t: {"frequency": "daily", "email": "alice@example.org"},
        kind="notifications.chosen",
        said="Your choice is saved.",
        goes_to=lambda t: reverse("deliberation:notify", args=[t.forum.slug]),
        invalid=lambda t: {"frequency": "daily", "email": "not an address"},
        error="Please check the email address.",
        refused="outsider",
    ),
}


def local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def closed_forum_vote(t: Thread) -> None:
    """Hold a yes/no vote between meetings that has closed, and a meeting vote to count it in."""
    closes = timezone.now() + datetime.timedelta(minutes=1)
    poll = forum_polls.forum_poll_create(
        forum=t.forum,
        by=t.cast["facilitator"],
        opens_at=closes - datetime.timedelta(hours=1),
        closes_at=closes,
        question="Do we meet online too?",
        method="yes_no",
    )
    forum_polls.forum_polls_tick(now=closes + datetime.timedelta(minutes=1))
    t.made["forum_poll"] = poll
    t.made["meeting_poll"] = factories.poll(t.meeting, "yes_no")


def forum_poll_url(t: Thread, name: str = "forum_poll") -> str:
    return reverse(f"deliberation:{name}", args=[t.forum.slug, t.made["forum_poll"].pk])


CASES["unendorse"] = Case(
    url=lambda t: action_url(t, "unendorse"),
    by="supporter",
    data=lambda t: {},
    kind="proposal.unendorsed",
    said="You do not support this idea now.",
    goes_to=lambda t: proposal_url(t) + "#unendorse",
    invalid=None,
    error="",
    refused="observer",
    before=lambda t: services.proposal_endorse(proposal=t.proposal, member=t.cast["supporter"]),
)
CASES["comment_report"] = Case(
    url=lambda t: reverse("deliberation:comment_report", args=[t.forum.slug, t.comment.pk]),
    by="supporter",
    data=lambda t: {"reason": "It is unkind."},
    kind="comment.reported",
    said="Thank you. The facilitators will look at this comment.",
    goes_to=lambda t: f"{proposal_url(t)}#comment-{t.comment.pk}",
    invalid=lambda t: {"reason": "x" * 301},
    error="Ensure this value has at most 300 characters (it has 301).",
    refused="observer",
)
CASES["report_dismiss"] = Case(
    url=lambda t: reverse("deliberation:report_dismiss", args=[t.forum.slug, t.comment.pk]),
    by="facilitator",
    data=lambda t: {},
    kind="comment.report_dismissed",
    said="The comment stays as it is.",
    goes_to=lambda t: reverse("deliberation:reports", args=[t.forum.slug]),
    invalid=None,
    error="",
    refused="participant",
    before=lambda t: comment_services.comment_report(
        comment=t.comment, reporter=t.cast["supporter"]
    ),
)
CASES["forum_poll_new"] = Case(
    url=lambda t: reverse("deliberation:forum_poll_new", args=[t.forum.slug]),
    by="facilitator",
    data=lambda t: {
        "question": "Do we meet online too?",
        "method": "yes_no",
        "opens_at": local(timezone.now()),
        "closes_at": local(timezone.now() + datetime.timedelta(days=2)),
    },
    kind="forum_poll.scheduled",
    said="The vote between meetings is ready.",
    goes_to=lambda t: reverse(
        "deliberation:forum_poll", args=[t.forum.slug, Poll.objects.latest("pk").pk]
    ),
    invalid=lambda t: {
        "question": "",
        "opens_at": local(timezone.now()),
        "closes_at": local(timezone.now() + datetime.timedelta(days=2)),
    },
    error="Please write the question.",
    refused="participant",
)
CASES["forum_poll_count"] = Case(
    url=lambda t: forum_poll_url(t, "forum_poll_count"),
    by="facilitator",
    data=lambda t: {"meeting_poll": t.made["meeting_poll"].pk},
    kind="forum_poll.counted_in",
    said="votes from between meetings are counted with the meeting",
    goes_to=forum_poll_url,
    invalid=lambda t: {"meeting_poll": ""},
    error="This field is required.",
    refused="participant",
    before=closed_forum_vote,
)


def kinds(forum: Any, kind: str) -> int:
    return AuditEvent.objects.filter(forum=forum, kind=kind).count()


@pytest.mark.parametrize("name", list(CASES))
def test_it_works_says_so_and_writes_its_audit_event(name, thread, browser_for):
    case = CASES[name]
    case.before(thread)
    before = kinds(thread.forum, case.kind)
    response = browser_for(thread.cast[case.by]).post(case.url(thread), case.data(thread))

    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == case.goes_to(thread)
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(said) == 1 and case.said in said[0]
    assert kinds(thread.forum, case.kind) == before + 1


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.invalid is not None])
def test_a_mistake_is_shown_again_in_plain_words_and_nothing_is_written(name, thread, browser_for):
    case = CASES[name]
    case.before(thread)
    events = AuditEvent.objects.filter(forum=thread.forum).count()
    response = browser_for(thread.cast[case.by]).post(case.url(thread), case.invalid(thread))

    assert response.status_code == 400
    page = response.content.decode()
    # The error is said at the top of the page, where base.html shows it.
    assert f'<p class="message message-error">{case.error}' in page.replace("&#x27;", "'")
    assert AuditEvent.objects.filter(forum=thread.forum).count() == events


@pytest.mark.parametrize("name", list(CASES))
def test_someone_who_may_not_is_refused_and_nothing_is_written(name, thread, browser_for):
    case = CASES[name]
    case.before(thread)
    events = AuditEvent.objects.filter(forum=thread.forum).count()
    response = browser_for(thread.cast[case.refused]).post(case.url(thread), case.data(thread))

    assert response.status_code == 403
    assert AuditEvent.objects.filter(forum=thread.forum).count() == events


def test_a_refusal_from_the_service_is_shown_on_the_proposal(thread, browser_for):
    """The service's own refusal (here: a second endorsement) is said on the page, 400."""
    client = browser_for(thread.cast["supporter"])
    client.post(action_url(thread, "endorse"))
    events = AuditEvent.objects.filter(forum=thread.forum).count()
    response = client.post(action_url(thread, "endorse"))

    assert response.status_code == 400
    assert "message-error" in response.content.decode()
    assert AuditEvent.objects.filter(forum=thread.forum).count() == events
