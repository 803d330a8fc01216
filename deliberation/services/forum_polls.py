"""Forum polls between meetings: open and close on time, then count with a meeting's poll."""

import datetime
import secrets
import uuid
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import audit, identity, outbox, permissions, realtime
from deliberation.exceptions import InvalidInput, PollNotOpen
from deliberation.models import (
    Ballot,
    Forum,
    ForumPollSchedule,
    Member,
    NoticeKind,
    Participation,
    Poll,
    ProposalPollLink,
    ResultsShown,
    SecretBallot,
    Source,
)
from deliberation.services import notifications
from deliberation.services.common import Actor, actor_label, recheck
from deliberation.services.polls import OptionInput, poll_close, poll_create, poll_open


def forum_poll_create(
    *,
    forum: Forum,
    by: Member,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    question: str = "",
    method: str = "",
    options: Sequence[OptionInput] = (),
    dots: int = 0,
    secret: bool = False,
    results_shown: str = ResultsShown.LIVE,
    mirror_of: Poll | None = None,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> Poll:
    """Make a poll for the whole forum that opens and closes at set times.

    With `mirror_of` (a meeting's poll), it asks the same question with the same
    options and settings, so its ballots can later be counted with the meeting's.
    """
    asker = principal if principal is not None else identity.member_principal(by)
    refused = _("Only a facilitator can start a forum vote.")
    permissions.require("forum_poll.manage", asker, forum, refused)
    if closes_at <= opens_at:
        raise InvalidInput(_("The vote must close after it opens."))
    if closes_at <= timezone.now():
        raise InvalidInput(_("The closing time has already passed. Please choose a later time."))
    settings: dict[str, object] = {}
    if mirror_of is not None:
        if mirror_of.forum_id != forum.pk or mirror_of.meeting_id is None:
            raise InvalidInput(_("Please choose a vote of one of this forum's meetings."))
        if mirror_of.is_closed:
            raise InvalidInput(_("That meeting vote has closed already."))
        question = question or mirror_of.question
        method = mirror_of.method
        options = [OptionInput(o.label, o.symbol) for o in mirror_of.options.all()]
        dots = mirror_of.dots
        secret = mirror_of.secret
        # Nobody is "here" between meetings: results the meeting would show once
        # everyone had voted stay hidden until the vote closes.
        results_shown = (
            ResultsShown.LIVE
            if mirror_of.results_shown == ResultsShown.LIVE
            else ResultsShown.CLOSED
        )
        settings = {
            "weighting": mirror_of.weighting,
            "double_majority": mirror_of.double_majority,
            "lived_experience_consent": mirror_of.lived_experience_consent,
        }
    with transaction.atomic():
        recheck(asker, "forum_poll.manage", forum, refused)
        poll = poll_create(
            forum=forum,
            question=question,
            method=method,
            options=options,
            dots=dots,
            secret=secret,
            results_shown=results_shown,
            actor=actor or by,
            **settings,  # type: ignore[arg-type]
        )
        ForumPollSchedule.objects.create(poll=poll, opens_at=opens_at, closes_at=closes_at)
        if mirror_of is not None:
            by_key = {o.key: o for o in poll.options.all()}
            ProposalPollLink.objects.bulk_create(
                ProposalPollLink(
                    proposal_id=link.proposal_id,
                    poll=poll,
                    option=by_key.get(link.option.key) if link.option else None,
                )
                for link in mirror_of.proposal_links.select_related("option")
            )
        audit.append(
            forum_id=forum.pk,
            actor=actor_label(actor or by),
            kind="forum_poll.scheduled",
            payload={
                "poll": poll.pk,
                "opens_at": opens_at.isoformat(),
                "closes_at": closes_at.isoformat(),
                "mirror_of": mirror_of.pk if mirror_of else None,
            },
        )
        # The worker opens and closes it on time, whoever looks at it or not.
        outbox.tick_at(opens_at)
        outbox.tick_at(closes_at)
    if opens_at <= timezone.now():
        forum_polls_tick()
        poll.refresh_from_db()
    return poll


# Followers of an idea hear that its vote closes soon this long before it closes.
CLOSING_SOON = datetime.timedelta(hours=24)


def forum_polls_tick(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Open forum polls whose time has come and close those whose time is up.

    Followers of the ideas a vote asks about are told when it opens, and once when it
    closes soon (within CLOSING_SOON); running the tick again tells nobody twice.
    """
    now = now or timezone.now()
    opened = closed = 0
    due_open = Poll.objects.filter(
        meeting__isnull=True,
        status=Poll.Status.DRAFT,
        schedule__opens_at__lte=now,
        schedule__closes_at__gt=now,
    )
    for poll in due_open:
        try:
            with transaction.atomic():
                poll_open(poll=poll, actor="schedule")
                notifications.queue_for_vote(poll, NoticeKind.VOTE_OPEN)
            opened += 1
        except InvalidInput:  # opened by another request a moment ago
            continue
    due_close = Poll.objects.filter(
        meeting__isnull=True,
        status__in=[Poll.Status.OPEN, Poll.Status.DRAFT],
        schedule__closes_at__lte=now,
    )
    for poll in due_close:
        try:
            if poll.status == Poll.Status.DRAFT:
                # Its whole time passed unseen: open and close it, so it ends like any other.
                poll_open(poll=poll, actor="schedule")
            poll_close(poll=poll, actor="schedule")
            closed += 1
        except (InvalidInput, PollNotOpen):
            continue
    closing = Poll.objects.filter(
        meeting__isnull=True,
        status=Poll.Status.OPEN,
        schedule__closes_at__gt=now,
        schedule__closes_at__lte=now + CLOSING_SOON,
        proposal_links__isnull=False,
    ).distinct()
    warned = 0
    for poll in closing:
        with transaction.atomic():
            warned += len(notifications.queue_for_vote(poll, NoticeKind.VOTE_CLOSING))
    return {"opened": opened, "closed": closed, "closing_soon": warned}


def forum_poll_count_in(
    *,
    forum_poll: Poll,
    meeting_poll: Poll,
    by: Member,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> dict[str, int]:
    """Count a closed forum poll's ballots with a meeting's poll, marked as remote votes.

    A member who voted in both counts once: their meeting vote. For a secret vote the
    two cannot be matched to people, so it is counted in only before anyone who voted
    between meetings has voted in the meeting; they then cannot vote again there.
    """
    asker = principal if principal is not None else identity.member_principal(by)
    refused = _("Only a facilitator can count these votes in.")
    permissions.require("forum_poll.manage", asker, forum_poll, refused)
    schedule = ForumPollSchedule.objects.filter(poll=forum_poll).first()
    if schedule is None:
        raise InvalidInput(_("That is not a vote between meetings."))
    if meeting_poll.meeting_id is None or meeting_poll.forum_id != forum_poll.forum_id:
        raise InvalidInput(_("Please choose a vote of one of this forum's meetings."))
    forum_keys = [o.key for o in forum_poll.options.all()]
    meeting_keys = [o.key for o in meeting_poll.options.all()]
    if (
        forum_poll.method != meeting_poll.method
        or forum_keys != meeting_keys
        or forum_poll.dots != meeting_poll.dots
        or forum_poll.secret != meeting_poll.secret
    ):
        raise InvalidInput(
            _("The two votes must ask the same way, with the same options, to be counted together.")
        )
    with transaction.atomic():
        schedule = ForumPollSchedule.objects.select_for_update().get(pk=schedule.pk)
        forum_poll = Poll.objects.get(pk=forum_poll.pk)
        meeting_poll = Poll.objects.select_for_update().get(pk=meeting_poll.pk)
        recheck(asker, "forum_poll.manage", forum_poll, refused)
        if not forum_poll.is_closed:
            raise InvalidInput(_("Please wait until the vote between meetings has closed."))
        if meeting_poll.is_closed:
            raise InvalidInput(_("The meeting's vote has closed. Its result cannot change now."))
        if schedule.counted_in_id is not None:
            raise InvalidInput(_("These votes have already been counted with a meeting's vote."))
        copied = skipped = 0
        if forum_poll.secret:
            voters = set(forum_poll.participations.values_list("member_id", flat=True))
            if meeting_poll.participations.filter(member_id__in=voters).exists():
                raise InvalidInput(
                    _(
                        "Some people voted both between meetings and in the meeting. In a "
                        "secret vote we cannot tell their votes apart, so they cannot be "
                        "counted together. Count them in before the meeting's vote opens."
                    )
                )
            rows = [
                SecretBallot(
                    poll=meeting_poll,
                    constituency=b.constituency,
                    answer=b.answer,
                    source=Source.REMOTE,
                    client_id=uuid.uuid4(),
                )
                for b in forum_poll.secret_ballots.all()
            ]
            secrets.SystemRandom().shuffle(rows)
            SecretBallot.objects.bulk_create(rows)
            Participation.objects.bulk_create(
                Participation(poll=meeting_poll, member_id=p.member_id, assisted=p.assisted)
                for p in forum_poll.participations.all()
            )
            copied = len(rows)
        else:
            already = set(meeting_poll.ballots.values_list("member_id", flat=True))
            rows_named = []
            for ballot in forum_poll.ballots.all():
                if ballot.member_id in already:
                    skipped += 1
                    continue
                rows_named.append(
                    Ballot(
                        poll=meeting_poll,
                        member_id=ballot.member_id,
                        constituency=ballot.constituency,
                        answer=ballot.answer,
                        source=Source.REMOTE,
                        assisted_by_id=ballot.assisted_by_id,
                        client_id=uuid.uuid4(),
                    )
                )
            Ballot.objects.bulk_create(rows_named)
            copied = len(rows_named)
        schedule.counted_in = meeting_poll
        schedule.counted_at = timezone.now()
        schedule.save(update_fields=["counted_in", "counted_at"])
        audit.append(
            forum_id=forum_poll.forum_id,
            actor=actor_label(actor or by),
            kind="forum_poll.counted_in",
            payload={
                "forum_poll": forum_poll.pk,
                "meeting_poll": meeting_poll.pk,
                "ballots": copied,
                "skipped_voted_in_meeting": skipped,
            },
        )
        if meeting_poll.meeting_id and meeting_poll.is_open:
            realtime.tally_changed(meeting_poll.meeting_id, meeting_poll.pk)
    return {"copied": copied, "skipped": skipped}
