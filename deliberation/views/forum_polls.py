"""Votes between meetings: start one, vote, see results, count them with a meeting's vote."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deliberation import audit, display, identity, permissions
from deliberation.exceptions import DomainError
from deliberation.forms.polls import BallotForm, CountInForm, ForumPollForm, answer_initial
from deliberation.models import Ballot, Forum, Poll
from deliberation.selectors import meetings as meeting_selectors
from deliberation.selectors import proposals as proposal_selectors
from deliberation.services import forum_polls as forum_poll_services
from deliberation.services.ballots import ballot_cast
from deliberation.views import easyread
from deliberation.views.ballots import answer_text, vote_fields
from deliberation.views.common import Done, first_error, handle_post
from deliberation.views.threads import member_of, tabs, thread_forum, viewer

# -- votes between meetings ----------------------------------------------------------------


def _lead(request: HttpRequest, forum: Forum) -> identity.Principal:
    who = viewer(request, forum)
    if not permissions.can("forum_poll.manage", who, forum):
        raise PermissionDenied
    return who


@require_GET
def forum_poll_list(request: HttpRequest, slug: str) -> HttpResponse:
    """List the forum's votes between meetings."""
    forum = thread_forum(slug)
    who = viewer(request, forum)
    polls = list(proposal_selectors.forum_polls(forum))
    return render(
        request,
        "deliberation/proposals/forum_polls.html",
        {**tabs(forum, who, "votes"), "polls": polls, "now": timezone.now()},
    )


@require_http_methods(["GET", "POST"])
def forum_poll_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Start a vote between meetings, for people who cannot come to the meeting."""
    forum = thread_forum(slug)
    who = _lead(request, forum)
    form = ForumPollForm(request.POST or None, forum=forum)

    def create(data: dict[str, Any]) -> Done:
        poll = forum_poll_services.forum_poll_create(
            forum=forum,
            by=member_of(who),
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            question=data["question"],
            method=data["method"],
            options=data["option_inputs"],
            dots=data["dots"] or (3 if data["method"] == "dots" else 0),
            secret=data["secret"],
            mirror_of=data["mirror_of"],
            actor=request.user if request.user.is_authenticated else member_of(who),
            principal=who,
        )
        return _("The vote between meetings is ready."), _poll_url(forum, poll)

    posted = handle_post(request, form, create)
    return posted.response or render(
        request,
        "deliberation/proposals/forum_poll_form.html",
        {**tabs(forum, who, "votes"), "form": form, "error": posted.error},
        status=posted.status,
    )


def _poll_url(forum: Forum, poll: Poll) -> str:
    return reverse("deliberation:forum_poll", args=[forum.slug, poll.pk])


def _forum_poll(forum: Forum, poll_id: int) -> Poll:
    return get_object_or_404(
        Poll.objects.select_related("schedule", "schedule__counted_in__meeting").prefetch_related(
            "options"
        ),
        pk=poll_id,
        forum=forum,
        meeting__isnull=True,
        schedule__isnull=False,
    )


def _forum_poll_page(
    request: HttpRequest,
    forum: Forum,
    who: identity.Principal,
    poll: Poll,
    *,
    form: BallotForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    poll_view = meeting_selectors.poll_dict(poll)
    if poll.is_open and poll.results_visible:
        poll_view = meeting_selectors.poll_dict(poll, result=meeting_selectors.compute_result(poll))
    results = display.build_results(poll_view) if poll.status != "draft" else None
    if results and not poll.is_closed and "outcome" in results:
        # Counts so far, never a winner or a verdict: the vote is still going on.
        results["outcome"] = {"passed": None, "winner": "", "reasons": []}
        results["common_ground"] = []
    context: dict[str, Any] = {
        **tabs(forum, who, "votes"),
        "poll": poll,
        "schedule": poll.schedule,  # type: ignore[attr-defined]
        "results": results,
        "can_vote": permissions.can("poll.vote", who, poll) and poll.is_open,
        "error": error,
        "receipt": _receipt(request, poll, who),
    }
    if context["can_vote"]:
        answer = None
        if not poll.secret:
            answer = (
                Ballot.objects.filter(poll=poll, member=member_of(who))
                .values_list("answer", flat=True)
                .first()
            )
        if form is None:
            form = BallotForm(poll=poll, initial=answer_initial(poll, answer))
        context["vote"] = vote_fields(poll_view, form)
        context["voted"] = answer is not None or (
            poll.secret and poll.participations.filter(member=member_of(who)).exists()
        )
        context["answer_text"] = answer_text(poll_view, answer) if answer else ""
    if context["is_lead"] and poll.is_closed and not poll.schedule.counted_in_id:  # type: ignore[attr-defined]
        context["count_form"] = CountInForm(forum_poll=poll)
    if context["is_lead"] and not poll.is_closed:
        # Advice on the question and written options while they can still be changed.
        context["checks"] = easyread.poll_checks(poll_view, forum=forum)
    response = render(request, "deliberation/proposals/forum_poll.html", context, status=status)
    if context["can_vote"] and poll.secret:
        # The phone gets its device key before it votes, so a vote resent after a lost
        # reply carries the same ballot key (the service checks it matches).
        identity.give_device_key(request, response)
    return response


def _receipt(request: HttpRequest, poll: Poll, who: identity.Principal) -> dict[str, Any] | None:
    """Return this member's vote code in a vote between meetings, checked once it closed.

    A secret ballot's code is worked out from this browser's device key, as in a meeting.
    """
    if who.member is None or poll.status == Poll.Status.DRAFT:
        return None
    if poll.secret:
        token = identity.secret_ballot_key(
            identity.device_key(request.COOKIES), poll.pk, who.member.pk
        )
        if token is None:
            return None
        code = audit.receipt_code(poll, secret_token=token)
        if code is not None and not poll.is_closed:
            # Closing writes every secret ballot again: its code is final only then.
            return {"code": None, "check": None}
    else:
        code = audit.receipt_code(poll, member_id=who.member.pk)
    if code is None:
        return None
    return {"code": code, "check": audit.check_receipt(poll, code) if poll.is_closed else None}


@require_GET
def forum_poll(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    """Show a vote between meetings: vote while it is open, results as they are allowed."""
    forum = thread_forum(slug)
    who = viewer(request, forum)
    return _forum_poll_page(request, forum, who, _forum_poll(forum, poll_id))


@require_POST
def forum_poll_vote(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    """Save a ballot in a vote between meetings (the same service as in a meeting)."""
    forum = thread_forum(slug)
    who = viewer(request, forum)
    # A vote sent in the minute its time is up is refused, even before the worker runs.
    forum_poll_services.forum_polls_tick()
    poll = _forum_poll(forum, poll_id)
    form = BallotForm(request.POST, poll=poll)
    if not form.is_valid():
        return _forum_poll_page(
            request, forum, who, poll, form=form, error=first_error(form), status=400
        )
    device = identity.device_key(request.COOKIES) or identity.new_device_key()
    try:
        permissions.require("poll.vote", who, poll, _("You cannot vote in this forum."))
        ballot_cast(
            poll=poll,
            answer=form.cleaned_data["answer"],
            client_id=form.cleaned_data["client_id"],
            voter=member_of(who),
            cast_by=member_of(who),
            secret_token=identity.secret_ballot_key(device, poll.pk, member_of(who).pk),
        )
    except DomainError as exc:
        status = 403 if exc.code == "not_allowed" else 400
        return _forum_poll_page(
            request, forum, who, poll, form=form, error=exc.message, status=status
        )
    messages.success(request, _("Your vote is saved."))
    response = redirect("deliberation:forum_poll", slug=forum.slug, poll_id=poll.pk)
    if poll.secret:
        identity.give_device_key(request, response, device)
    return response


@require_POST
def forum_poll_count(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    """Count a closed vote between meetings with a meeting's vote, marked as such."""
    forum = thread_forum(slug)
    who = _lead(request, forum)
    poll = _forum_poll(forum, poll_id)
    form = CountInForm(request.POST, forum_poll=poll)

    def count_in(data: dict[str, Any]) -> Done:
        counted = forum_poll_services.forum_poll_count_in(
            forum_poll=poll, meeting_poll=data["meeting_poll"], by=member_of(who), principal=who
        )
        message = _("%(n)s votes from between meetings are counted with the meeting's vote.") % {
            "n": counted["copied"]
        }
        return message, _poll_url(forum, poll)

    posted = handle_post(request, form, count_in)
    return posted.response or _forum_poll_page(
        request, forum, who, poll, error=posted.error, status=posted.status
    )
