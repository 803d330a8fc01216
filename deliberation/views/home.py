"""A member's home between meetings: their ideas, open votes, decisions and notices."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from deliberation import identity
from deliberation.exceptions import DomainError
from deliberation.models import Proposal, ProposalStatus
from deliberation.selectors import home as home_selectors
from deliberation.services import notifications
from deliberation.views.threads import member_of, tabs, thread_forum, viewer

VOTED_ON = (ProposalStatus.DECIDED, ProposalStatus.ADOPTED, ProposalStatus.NOT_ADOPTED)


@require_GET
def member_home(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a member where things are: the live meeting, their ideas, votes, decisions, news."""
    forum = thread_forum(slug)
    who = viewer(request, forum)
    me = member_of(who)
    meeting = home_selectors.live_meeting(forum)
    in_meeting = meeting is not None and (
        identity.present_member(request.session, meeting.pk) is not None
    )
    rows = home_selectors.notices(me)
    notices = [{"row": row, **notifications.notice_words(row)} for row in rows]
    context: dict[str, Any] = {
        **tabs(forum, who, "home"),
        "meeting": meeting,
        "in_meeting": in_meeting,
        "my_ideas": home_selectors.my_ideas(me),
        "supported": home_selectors.supported_ideas(me),
        "votes": home_selectors.open_forum_votes(forum),
        "decisions": home_selectors.latest_decisions(forum),
        "summary": home_selectors.latest_summary(forum),
        "notices": notices,
        "unread_total": home_selectors.unread_count(me),
    }
    return render(request, "deliberation/home.html", context)


@require_POST
def notices_read(request: HttpRequest, slug: str) -> HttpResponse:
    """Mark one notice, or all of them, as read; then show the home again."""
    forum = thread_forum(slug)
    who = viewer(request, forum)
    one = request.POST.get("notice", "")
    ids = [int(one)] if one.isdigit() else None
    notifications.notices_mark_read(member=member_of(who), ids=ids)
    return redirect(reverse("deliberation:member_home", args=[forum.slug]) + "#news")


@require_POST
def proposal_follow_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Start or stop following an idea, then show the idea again."""
    forum = thread_forum(slug)
    who = viewer(request, forum)
    proposal = get_object_or_404(Proposal, pk=pk, forum=forum)
    follow = request.POST.get("follow") == "1"
    try:
        notifications.proposal_follow(proposal=proposal, member=member_of(who), follow=follow)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if follow:
            messages.success(request, _("You follow this idea. We will tell you when it moves on."))
        else:
            messages.success(request, _("You do not follow this idea any more."))
    return redirect(reverse("deliberation:proposal", args=[forum.slug, proposal.pk]) + "#follow")


def follow_context(proposal: Proposal, who: identity.Principal) -> dict[str, Any]:
    """Return what an idea's page shows of following it and of what came of it."""
    return {
        "following": who.member is not None and home_selectors.following(proposal, member_of(who)),
        # A decision about an idea follows a closed vote, which moves the idea on first.
        "idea_outcome": home_selectors.idea_outcome(proposal)
        if proposal.status in VOTED_ON
        else [],
    }
