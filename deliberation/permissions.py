"""Who may do what: predicates of the `rules` package, shared by views, consumers, services.

A rule's first argument is the principal (identity.Principal: who is asking), read once
by identity.principal_for_request or principal_for_scope, and its second the target. A
facilitator's powers come from their login only; a name picked at a meeting reaches that
meeting's votes only; the forum (its record and threads) needs a login or a personal link.
A trusted caller naming a member acting as themselves passes identity.member_principal.

Three rules deliberately name someone other than the asker, as a Member:

- `poll.vote` (principal or Member): may this voter vote here? Given a Principal it is
  the asker voting as themselves (a meeting's poll: as who they joined it as); given a
  Member it names the voter, e.g. the person a supporter votes with, or a voter the
  ballot service reads again under the poll's lock.
- `member.assist` (principal or Member): may this supporter vote with the other? Given
  a Member it names the phone's member, read again under the poll's lock.
- `summary.sign_off` (Member): may this member sign off the summary? It names the
  checker a facilitator picks, never the asker (who is the facilitator).

Any other first argument (a bare user or Member) is refused with a TypeError, so a caller
that forgot the principal fails loudly instead of being let in or turned away quietly.
"""

from typing import Any

import rules

from deliberation.exceptions import NotAllowed
from deliberation.identity import Principal
from deliberation.models import ActionStatus, Constituency, Forum, Member, Poll, Role


def _principal(who: Any) -> Principal:
    """Return the principal given; refuse anything else (a bare user or Member)."""
    if not isinstance(who, Principal):
        raise TypeError(f"A rule needs the principal who asks, not {type(who).__name__}.")
    return who


def user_of(who: Principal) -> Any:
    """Return the signed-in user behind a principal."""
    return _principal(who).user


def forum_member_of(who: Principal) -> Member | None:
    """Return the forum member (by login or personal link) behind a principal."""
    return _principal(who).member


def meeting_member_of(who: Principal, meeting_id: int | None) -> Member | None:
    """Return who this principal joined the meeting as; a forum member never counts here."""
    who = _principal(who)
    if meeting_id is None or who.meeting_id != meeting_id:
        return None
    return who.meeting_member


@rules.predicate
def is_forum_facilitator(who: Principal, forum: Forum | None) -> bool:
    """Is this signed-in user a facilitator of the forum?"""
    user = user_of(who)
    if forum is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return Member.objects.filter(
        forum=forum, user=user, role=Role.FACILITATOR, is_active=True
    ).exists()


@rules.predicate
def is_staff_user(who: Principal) -> bool:
    """Can this signed-in user create forums (back-office staff)?"""
    user = user_of(who)
    return bool(getattr(user, "is_authenticated", False) and user.is_staff)


def _voter(who: Principal | Member, poll: Poll | None) -> Member | None:
    if poll is None:
        return None
    if isinstance(who, Member):
        return who  # the voter, named (see the module's docstring)
    if poll.meeting_id is not None:
        return meeting_member_of(who, poll.meeting_id)
    return forum_member_of(who)


@rules.predicate
def can_vote_in(who: Principal | Member, poll: Poll | None) -> bool:
    """May this member vote in this poll (a meeting's poll: as who they joined it as)?"""
    member = _voter(who, poll)
    return (
        member is not None
        and poll is not None
        and member.forum_id == poll.forum_id
        and member.can_vote
    )


@rules.predicate
def supports_member(who: Principal | Member, other: Member | None) -> bool:
    """Is this member a supporter of the other?"""
    if isinstance(who, Member):
        member: Member | None = who
    else:
        member = _principal(who).meeting_member or who.member
    return (
        member is not None
        and other is not None
        and member.role == Role.SUPPORTER
        and member.is_active
        and member.forum_id == other.forum_id
        and member.supports.filter(pk=other.pk).exists()
    )


@rules.predicate
def is_poll_facilitator(who: Principal, poll: Poll | None) -> bool:
    """Is this user a facilitator of the poll's forum?"""
    return poll is not None and is_forum_facilitator(who, poll.forum)


# Every rule, by name: permissions.can("poll.vote", who, poll).
RULES = rules.RuleSet()
RULES.add_rule("forum.create", is_staff_user)
RULES.add_rule("forum.facilitate", is_forum_facilitator)
RULES.add_rule("poll.facilitate", is_poll_facilitator)
RULES.add_rule("poll.vote", can_vote_in)
RULES.add_rule("member.assist", supports_member)


def can(action: str, who: Any, target: Any = None) -> bool:
    """Say whether `who` may do `action` on `target`."""
    return RULES.test_rule(action, who, target)


def require(action: str, who: Any, target: Any = None, message: str | None = None) -> None:
    """Raise NotAllowed unless `who` may do `action` on `target`."""
    if not can(action, who, target):
        raise NotAllowed(message)


# -- proposal threads ------------------------------------------------------------------
# `who` is the principal; its forum member (identity.forum_member_for) is None for
# someone outside the forum. Observers read; outsiders see nothing.

WRITING_ROLES: frozenset[str] = frozenset({Role.PARTICIPANT, Role.SUPPORTER, Role.FACILITATOR})


def _forum_id(target: Any) -> int | None:
    if isinstance(target, Forum):
        return target.pk
    return getattr(target, "forum_id", None)


@rules.predicate
def is_forum_reader(who: Principal, target: Any) -> bool:
    """Is this an active member of the forum the target belongs to (by login or link)?"""
    return _reads(forum_member_of(who), target)


def _reads(member: Member | None, target: Any) -> bool:
    return (
        member is not None
        and member.is_active
        and target is not None
        and member.forum_id == _forum_id(target)
    )


@rules.predicate
def is_forum_writer(who: Principal, target: Any) -> bool:
    """May this member write in the forum (everyone but observers)?"""
    member = forum_member_of(who)
    return member is not None and _reads(member, target) and str(member.role) in WRITING_ROLES


@rules.predicate
def is_forum_lead(who: Principal, target: Any) -> bool:
    """Is this member a facilitator of the forum the target belongs to?"""
    member = forum_member_of(who)
    return member is not None and _reads(member, target) and member.role == Role.FACILITATOR


@rules.predicate
def is_author(who: Principal, target: Any) -> bool:
    """Did this member write the proposal or comment?"""
    member = forum_member_of(who)
    return member is not None and getattr(target, "author_id", None) == member.pk


@rules.predicate
def is_comment_writer(who: Principal, comment: Any) -> bool:
    return comment is not None and is_forum_writer(who, comment.proposal)


@rules.predicate
def is_comment_lead(who: Principal, comment: Any) -> bool:
    return comment is not None and is_forum_lead(who, comment.proposal)


RULES.add_rule("proposal.read", is_forum_reader)
RULES.add_rule("proposal.create", is_forum_writer)
RULES.add_rule("proposal.edit", is_forum_lead | (is_forum_writer & is_author))
RULES.add_rule("proposal.comment", is_forum_writer)
RULES.add_rule("proposal.endorse", is_forum_writer)
RULES.add_rule("proposal.photo", is_forum_lead | (is_forum_writer & is_author))
RULES.add_rule("proposal.hide", is_forum_lead)
RULES.add_rule("proposal.change_status", is_forum_lead)
RULES.add_rule("proposal.withdraw", is_forum_writer & is_author)
RULES.add_rule("proposal.schedule", is_forum_lead)
RULES.add_rule("comment.edit", is_comment_writer & is_author)
RULES.add_rule("comment.hide", is_comment_lead)
RULES.add_rule("comment.report", is_comment_writer & ~is_author)
RULES.add_rule("forum_poll.manage", is_forum_lead)
# Checking words as you type: anyone who may write in the forum (not observers).
RULES.add_rule("easyread.check", is_forum_writer)


# -- the record: decisions and "you said, we did" ---------------------------------------
# `who` is the principal; its forum member is by login or link (identity.record_member).
# Signed-in facilitators (forum.facilitate) may do all of these from their pages as well.


@rules.predicate
def is_action_owner(who: Principal, action: Any) -> bool:
    """Is this member the one who said they would do the action?"""
    member = forum_member_of(who)
    return member is not None and action is not None and action.owner_id == member.pk


@rules.predicate
def is_open_action(who: Principal, action: Any) -> bool:
    """Is the action still planned or being done (not done, not stopped)?"""
    return action is not None and action.is_open


RULES.add_rule("decision.read", is_forum_reader)
RULES.add_rule("action.manage", is_forum_lead)
RULES.add_rule(
    "action.report", is_forum_lead | (is_forum_reader & is_action_owner & is_open_action)
)


def action_change_rule(action: Any, status: str | None) -> str:
    """Name the rule a progress update needs: stopping or reopening is a facilitator's."""
    if status == ActionStatus.DROPPED and action.status != ActionStatus.DROPPED:
        return "action.manage"
    if not action.is_open:
        return "action.manage"
    return "action.report"


# -- easy-read summaries: read by members (identity.record_member) and facilitators -----
# Sending, resending and the print pack are for signed-in facilitators (forum.facilitate).

RULES.add_rule("summary.read", is_forum_reader)


@rules.predicate
def is_summary_checker(member: Member | None, summary: Any) -> bool:
    """May this member sign off a summary: an active member of its forum with lived experience?

    summary_selectors.sign_off_candidates lists the same people for the sign-off page.
    """
    return (
        isinstance(member, Member)
        and summary is not None
        and member.forum_id == summary.forum_id
        and member.is_active
        and not member.is_guest
        and member.constituency == Constituency.LIVED_EXPERIENCE
    )


# Inclusion Europe: a person with lived experience checks the summary before it is sent.
RULES.add_rule("summary.sign_off", is_summary_checker)
