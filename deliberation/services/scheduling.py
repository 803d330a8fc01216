"""Putting shortlisted proposals on a meeting's agenda, as the options of a new poll."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _

from deliberation import audit, identity, methods
from deliberation.exceptions import InvalidInput, StatusChangeRefused
from deliberation.models import (
    AgendaItem,
    Meeting,
    Member,
    Poll,
    Proposal,
    ProposalEvent,
    ProposalPollLink,
    ProposalStatus,
)
from deliberation.services.agenda import agenda_item_add
from deliberation.services.common import Actor, actor_label
from deliberation.services.polls import OptionInput, poll_create
from deliberation.services.proposals import _event, _recheck, _require

SHORTLIST_TITLE = gettext_noop("Vote on the shortlisted proposals")


def in_every_language(message: str) -> str:
    """Return a title the system writes, in English and Welsh ("English / Cymraeg").

    An agenda item is stored once and shown to everyone (the projector, every phone),
    so a title coprod writes for it carries both languages rather than the one the
    facilitator's page happened to be in.
    """
    said: list[str] = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            words = gettext(message)
        if words not in said:
            said.append(words)
    return " / ".join(said)


@dataclass(frozen=True)
class Scheduled:
    agenda_item: AgendaItem
    poll: Poll


def proposals_schedule(
    *,
    proposals: Sequence[Proposal],
    meeting: Meeting,
    by: Member,
    method: str,
    question: str,
    item_title: str = "",
    dots: int = 0,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> Scheduled:
    """Put shortlisted proposals on a meeting's agenda, as the options of a new poll.

    One proposal may also be put to a yes/no, traffic light or consent vote of its
    own; several become the options of a dots, ranking or score vote.
    """
    refused = _("Only a facilitator can put proposals on an agenda.")
    _require(principal, by, "proposal.schedule", meeting, refused)
    chosen = list({p.pk: p for p in proposals}.values())
    if not chosen:
        raise InvalidInput(_("Please choose at least one proposal from the shortlist."))
    if any(p.forum_id != meeting.forum_id for p in chosen):
        raise InvalidInput(_("That proposal belongs to another forum."))
    if meeting.status == Meeting.Status.CLOSED:
        raise InvalidInput(_("This meeting has finished. Please choose another meeting."))
    single = method in methods.SINGLE_CHOICE
    if single and len(chosen) != 1:
        raise InvalidInput(
            _("A yes/no, traffic light or consent vote is about one proposal. Please choose one.")
        )
    if not single and len(chosen) < 2:
        raise InvalidInput(
            _("Dots, ranking and score votes need at least two proposals to choose between.")
        )
    with transaction.atomic():
        locked = list(
            Proposal.objects.select_for_update()
            .filter(pk__in=[p.pk for p in chosen])
            .order_by("pk")
        )
        _recheck(principal, by, "proposal.schedule", meeting, refused)
        for proposal in locked:
            if proposal.status != ProposalStatus.SHORTLISTED or proposal.is_hidden:
                raise StatusChangeRefused(
                    _("“%(title)s” is not on the shortlist, so it cannot go on the agenda.")
                    % {"title": proposal.title}
                )
        title = item_title.strip() or (
            locked[0].title if single else in_every_language(SHORTLIST_TITLE)
        )
        item = agenda_item_add(
            meeting=meeting,
            title=title[:200],
            description="\n".join(p.summary for p in locked),
            actor=actor or by,
        )
        poll = poll_create(
            forum=meeting.forum,
            meeting=meeting,
            agenda_item=item,
            question=question.strip() or title,
            method=method,
            options=[] if single else [OptionInput(p.title, p.symbol) for p in locked],
            dots=dots,
            actor=actor or by,
        )
        options = list(poll.options.order_by("position"))
        links = []
        for index, proposal in enumerate(locked):
            option = None if single else options[index]
            links.append(ProposalPollLink(proposal=proposal, poll=poll, option=option))
            _event(
                proposal,
                ProposalEvent.Kind.SCHEDULED,
                actor=by,
                reason=item.title,
                meeting=meeting,
                poll=poll,
            )
        ProposalPollLink.objects.bulk_create(links)
        audit.append(
            forum_id=meeting.forum_id,
            actor=actor_label(actor or by),
            kind="proposal.scheduled",
            payload={
                "proposals": [p.pk for p in locked],
                "meeting": meeting.pk,
                "item": item.pk,
                "poll": poll.pk,
                "options": {
                    str(link.proposal_id): link.option.key if link.option else None
                    for link in links
                },
            },
        )
    return Scheduled(agenda_item=item, poll=poll)
