"""Polls: create, change settings, open, count hands, close (ballots are in ballots.py)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from deliberation import audit, identity, methods, realtime
from deliberation.display import recorded_choice_label, refusal_text
from deliberation.exceptions import (
    InvalidInput,
    MeetingNotOpen,
    PollClosed,
    PollNotOpen,
    SettingLocked,
)
from deliberation.models import (
    AgendaItem,
    Constituency,
    Decision,
    Forum,
    HandCount,
    Meeting,
    Member,
    Poll,
    PollOption,
    ResultsShown,
)
from deliberation.models.polls import RESULTS_SHOWN_ORDER
from deliberation.selectors import meetings as meeting_selectors
from deliberation.services.agenda import agenda_move
from deliberation.services.common import (
    Actor,
    actor_label,
    announce_change,
    announce_console,
    recheck_facilitator,
)
from deliberation.services.proposals import proposals_poll_closed, proposals_poll_reopened
from deliberation.services.secret_ballots import secret_rewrite

CHECK_BACK_METHODS = ("yes_no", "traffic_light")
# The settings a facilitator sets on a poll's form and may change until it opens (see
# poll_update_settings), the dots aside; the console's settings form shows exactly these.
POLL_SETTINGS = (
    "question",
    "weighting",
    "secret",
    "results_shown",
    "double_majority",
    "lived_experience_consent",
)


@dataclass(frozen=True)
class OptionInput:
    label: str
    symbol: str = ""


def poll_create(
    *,
    forum: Forum,
    question: str,
    method: str,
    options: Sequence[OptionInput] = (),
    meeting: Meeting | None = None,
    agenda_item: AgendaItem | None = None,
    dots: int = 0,
    weighting: str | None = None,
    secret: bool = False,
    results_shown: str = ResultsShown.ALL_VOTED,
    double_majority: bool = False,
    lived_experience_consent: bool = False,
    check_back_of: Decision | None = None,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> Poll:
    """Create a poll, not yet open, with its options.

    A check-back poll (`check_back_of`) asks whether an earlier decision is what the
    forum agreed: a yes/no or traffic light question about that decision. With a
    principal, forum.facilitate is checked again inside the transaction.
    """
    if not question.strip():
        raise InvalidInput(_("Please write the question."))
    if method not in methods.METHODS:
        raise InvalidInput(_("Please choose how people vote."))
    if check_back_of is not None:
        if check_back_of.forum_id != forum.pk:
            raise InvalidInput(_("That decision belongs to another forum."))
        if method not in CHECK_BACK_METHODS:
            raise InvalidInput(_("A check-back vote is a yes/no or traffic light vote."))
    if meeting is not None and meeting.forum_id != forum.pk:
        raise InvalidInput(_("That meeting belongs to another forum."))
    if agenda_item is not None and (meeting is None or agenda_item.meeting_id != meeting.pk):
        raise InvalidInput(_("That agenda item belongs to another meeting."))
    _check_majorities(method in methods.SINGLE_CHOICE, double_majority, lived_experience_consent)
    if method in methods.SINGLE_CHOICE:
        option_rows = [
            (key, recorded_choice_label(key), key) for key in methods.FIXED_CHOICES[method]
        ]
        dots = 0
    else:
        option_rows = []
        seen: set[str] = set()
        for index, option in enumerate(o for o in options if o.label.strip()):
            key = slugify(option.label)[:30] or f"option-{index + 1}"
            while key in seen:
                key = f"{key[:26]}-{index + 1}"
            seen.add(key)
            option_rows.append((key, option.label.strip(), option.symbol))
    spec = methods.PollSpec(method=method, options=tuple(row[0] for row in option_rows), dots=dots)
    try:
        methods.validate_spec(spec)
    except methods.InvalidSpec as exc:
        raise InvalidInput(refusal_text(exc)) from exc
    weighting = weighting or forum.default_weighting
    if weighting not in methods.WEIGHTINGS:
        raise InvalidInput(_("Please choose how votes are weighed."))
    _check_results_shown(results_shown)
    with transaction.atomic():
        recheck_facilitator(principal, "forum.facilitate", forum)
        poll = Poll.objects.create(
            forum=forum,
            meeting=meeting,
            agenda_item=agenda_item,
            question=question.strip(),
            method=method,
            dots=dots,
            weighting=weighting,
            secret=secret,
            results_shown=results_shown,
            double_majority=double_majority,
            lived_experience_consent=lived_experience_consent,
            check_back_of=check_back_of,
        )
        PollOption.objects.bulk_create(
            PollOption(poll=poll, key=key, label=label, symbol=symbol, position=position)
            for position, (key, label, symbol) in enumerate(option_rows)
        )
        audit.append(
            forum_id=forum.pk,
            actor=actor_label(actor),
            kind="poll.created",
            payload={
                "poll": poll.pk,
                **_settings_payload(poll),
                "options": spec.options,
                "check_back_of": check_back_of.pk if check_back_of else None,
                **audit.binding(poll),
            },
        )
        if meeting is not None:
            announce_console(
                meeting.pk, "poll.created", {"poll": meeting_selectors.poll_dict(poll)}
            )
    return poll


def _check_majorities(
    single_choice: bool, double_majority: bool, lived_experience_consent: bool
) -> None:
    """Refuse a double majority or lived-experience consent on a vote of many choices."""
    if not single_choice and (double_majority or lived_experience_consent):
        raise InvalidInput(
            _(
                "A double majority or lived-experience consent needs a yes/no, "
                "traffic light or consent vote."
            )
        )


def _check_results_shown(value: Any) -> None:
    if value not in ResultsShown.values:
        raise InvalidInput(_("Please choose when the results are shown."))


def _later(now: str, new: Any) -> bool:
    """Say whether `new` shows results later than `now` does."""
    order = list(RESULTS_SHOWN_ORDER)
    return new in order and order.index(new) > order.index(now)


def _settings_event(poll: Poll, actor: Actor, kind: str, event_type: str) -> None:
    """Record the poll's settings in the chain; tell its meeting's screens after commit."""
    audit.append(
        forum_id=poll.forum_id,
        actor=actor_label(actor),
        kind=kind,
        payload={"poll": poll.pk, **_settings_payload(poll), **audit.binding(poll)},
    )
    if poll.meeting_id:
        announce_change(poll.meeting_id, event_type, {"poll": meeting_selectors.poll_dict(poll)})


def _settings_payload(poll: Poll) -> dict[str, Any]:
    return {
        "question": poll.question,
        "method": poll.method,
        "dots": poll.dots,
        "weighting": poll.weighting,
        "secret": poll.secret,
        "results_shown": poll.results_shown,
        "double_majority": poll.double_majority,
        "lived_experience_consent": poll.lived_experience_consent,
    }


def poll_update_settings(
    *, poll: Poll, actor: Actor = None, principal: identity.Principal | None = None, **changes: Any
) -> Poll:
    """Change a poll's settings; once it is open, only hiding results longer is allowed.

    A secret poll never becomes named and hidden results are never shown early, so
    nobody's protection is weakened after people have voted: when results are shown
    may only move later (RESULTS_SHOWN_ORDER), never earlier.
    """
    allowed = {*POLL_SETTINGS, "dots"}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(
            _("Unknown settings: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        recheck_facilitator(principal, "poll.facilitate", poll)
        if poll.status != Poll.Status.DRAFT:
            for field, value in changes.items():
                if getattr(poll, field) == value:
                    continue
                if field == "results_shown" and _later(poll.results_shown, value):
                    continue
                raise SettingLocked()
        if "results_shown" in changes:
            _check_results_shown(changes["results_shown"])
        _check_majorities(
            poll.is_single_choice,
            bool(changes.get("double_majority")),
            bool(changes.get("lived_experience_consent")),
        )
        for field, value in changes.items():
            setattr(poll, field, value)
        poll.save()
        _settings_event(poll, actor, "poll.settings_changed", "poll.updated")
    return poll


def poll_open(
    *, poll: Poll, actor: Actor = None, principal: identity.Principal | None = None
) -> Poll:
    """Open a poll for voting; a meeting has one open poll at a time.

    A poll on an agenda item moves the meeting to that item, so every screen shows the
    question with the item it belongs to.
    """
    with transaction.atomic():
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        recheck_facilitator(principal, "poll.facilitate", poll)
        if poll.status != Poll.Status.DRAFT:
            raise InvalidInput(_("This vote has already been opened."))
        if poll.meeting_id is not None:
            meeting = Meeting.objects.select_for_update().get(pk=poll.meeting_id)
            if meeting.status != Meeting.Status.OPEN:
                raise MeetingNotOpen(_("Open the meeting before opening a vote."))
            if meeting.polls.filter(status=Poll.Status.OPEN).exists():
                raise InvalidInput(_("Another vote is open. Please close it first."))
        poll.status = Poll.Status.OPEN
        poll.opened_at = timezone.now()
        poll.save(update_fields=["status", "opened_at"])
        _settings_event(poll, actor, "poll.opened", "poll.opened")
        if poll.meeting_id is not None and poll.agenda_item is not None:
            if meeting.current_item_id != poll.agenda_item_id:
                agenda_move(meeting=meeting, item=poll.agenda_item, actor=actor)
    return poll


def poll_results_show(
    *, poll: Poll, actor: Actor = None, principal: identity.Principal | None = None
) -> Poll:
    """Show an open poll's results before everyone here has voted (the facilitator's call).

    Only for a poll whose results wait for everyone here: results hidden until the vote
    closes stay hidden, and a secret poll's show only when it closes.
    """
    with transaction.atomic():
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        recheck_facilitator(principal, "poll.facilitate", poll)
        if not poll.is_open:
            raise PollNotOpen()
        if poll.results_visible:
            raise InvalidInput(_("The results are already showing."))
        if not poll.may_show_results_early:
            raise SettingLocked(
                _("The results of this vote show when it closes. This keeps people safe.")
            )
        results_reveal(poll=poll, why="facilitator", actor=actor)
    return poll


def results_reveal(*, poll: Poll, why: str, actor: Actor = None) -> bool:
    """Show a locked, open poll's results if they wait for everyone here; say if it did.

    Precondition: the caller holds the poll's row lock (select_for_update) in its
    transaction. `why` is recorded: "facilitator", "everyone_voted" or "hand_count" (a
    hand count or paper vote is the facilitator's signal that the room has voted).
    """
    if not poll.may_show_results_early:
        return False
    poll.results_shown_at = timezone.now()
    poll.save(update_fields=["results_shown_at"])
    audit.append(
        forum_id=poll.forum_id,
        actor=actor_label(actor),
        kind="poll.results_shown",
        payload={"poll": poll.pk, "why": why, **audit.binding(poll)},
    )
    if poll.meeting_id:
        full = meeting_selectors.poll_with_options(poll.pk)
        announce_change(
            poll.meeting_id,
            "poll.updated",
            {
                "poll": meeting_selectors.poll_dict(
                    full, result=meeting_selectors.compute_result(full)
                )
            },
        )
    return True


def results_reveal_if_everyone_voted(*, poll: Poll, actor: Actor = None) -> bool:
    """Show a locked, open poll's results once everyone here may vote has voted.

    Precondition: the caller holds the poll's row lock and has written its ballots.
    """
    if not poll.may_show_results_early or poll.meeting_id is None:
        return False
    progress = meeting_selectors.voting_progress(poll)
    if progress["expected"] == 0 or progress["voted"] < progress["expected"]:
        return False
    return results_reveal(poll=poll, why="everyone_voted", actor=actor)


def poll_close(
    *, poll: Poll, actor: Actor = None, principal: identity.Principal | None = None
) -> Poll:
    """Close a poll, freeze its result and seal its ballots under a Merkle root.

    The poll's row lock keeps every ballot out once the seal is computed, and the
    root goes into the poll.closed event, so a ballot added, changed or removed
    afterwards no longer matches the record (audit.verify_poll).
    """
    with transaction.atomic():
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        recheck_facilitator(principal, "poll.facilitate", poll)
        if poll.status != Poll.Status.OPEN:
            raise PollNotOpen(_("Only an open vote can be closed."))
        poll.status = Poll.Status.CLOSED
        poll.closed_at = timezone.now()
        poll.result = meeting_selectors.compute_result(poll)
        if poll.secret:
            secret_rewrite(poll, ungroup=bool(poll.result.get("protected")))
        sealed = audit.seal(poll)
        poll.ballot_root = sealed.root
        poll.save(update_fields=["status", "closed_at", "result", "ballot_root"])
        audit.append(
            forum_id=poll.forum_id,
            actor=actor_label(actor),
            kind="poll.closed",
            payload={
                "poll": poll.pk,
                "voters": poll.result["voters"],
                "outcome": poll.result["outcome"],
                "ballot_root": sealed.root,
                "ballot_count": sealed.count,
                **audit.binding(poll),
            },
        )
        # Proposals put to this vote move on to "voted on", in the same transaction.
        proposals_poll_closed(poll=poll, actor=actor)
        if poll.meeting_id:
            announce_change(
                poll.meeting_id, "poll.closed", {"poll": meeting_selectors.poll_dict(poll)}
            )
    return poll


def poll_reopen(
    *, poll: Poll, actor: Actor = None, principal: identity.Principal | None = None
) -> Poll:
    """Open a meeting's vote that was closed by mistake again, keeping its ballots.

    Refused, with the reason, once anything rests on its result (a decision recorded
    from it, a proposal in it adopted or not) or when it cannot be counted on the same
    way (meeting_selectors.reopen_refusals). The meeting is locked before the poll, as
    meeting_close and decision_record do, so a decision cannot be recorded from the old
    result while the vote opens again.
    """
    if poll.meeting_id is None:
        raise InvalidInput(_("Only a vote in a meeting can be opened again."))
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=poll.meeting_id)
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        recheck_facilitator(principal, "poll.facilitate", poll)
        if poll.status != Poll.Status.CLOSED:
            raise InvalidInput(_("Only a closed vote can be opened again."))
        if meeting.status != Meeting.Status.OPEN:
            raise MeetingNotOpen(_("Open the meeting before opening a vote again."))
        refusal = meeting_selectors.reopen_refusals([poll]).get(poll.pk)
        if refusal:
            raise InvalidInput(refusal)
        if meeting.polls.filter(status=Poll.Status.OPEN).exists():
            raise InvalidInput(_("Another vote is open. Please close it first."))
        closed = {"voters": (poll.result or {}).get("voters"), "ballot_root": poll.ballot_root}
        if poll.results_shown == ResultsShown.ALL_VOTED and poll.results_shown_at is None:
            # The screens showed the result when it closed: the room knows it, so it
            # keeps showing, and the record says from when.
            poll.results_shown_at = poll.closed_at
        poll.status = Poll.Status.OPEN
        poll.closed_at = None
        poll.result = None
        poll.ballot_root = ""
        poll.save(
            update_fields=["status", "closed_at", "result", "ballot_root", "results_shown_at"]
        )
        proposals_poll_reopened(poll=poll, actor=actor)
        audit.append(
            forum_id=poll.forum_id,
            actor=actor_label(actor),
            kind="poll.reopened",
            payload={
                "poll": poll.pk,
                "closed_voters": closed["voters"],
                "closed_ballot_root": closed["ballot_root"],
                **audit.binding(poll),
            },
        )
        announce_change(meeting.pk, "poll.opened", {"poll": meeting_selectors.poll_dict(poll)})
        # Screens get the running count again, with the ballots the vote kept.
        realtime.tally_changed(meeting.pk, poll.pk)
        if poll.agenda_item is not None and meeting.current_item_id != poll.agenda_item_id:
            agenda_move(meeting=meeting, item=poll.agenda_item, actor=actor)
    return poll


def hand_count_set(
    *,
    poll: Poll,
    constituency: str,
    counts: Mapping[str, int],
    entered_by: Member | None,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> list[HandCount]:
    """Set the show-of-hands or paper counts of one group for a single-choice poll."""
    if not poll.is_single_choice:
        raise InvalidInput(
            _(
                "Hand counts work for yes/no, traffic light and consent votes. "
                "Enter paper votes one by one for this kind of vote."
            )
        )
    if constituency not in Constituency.values:
        raise InvalidInput(_("Please choose a group."))
    choices = methods.FIXED_CHOICES[poll.method]
    unknown = set(counts) - set(choices)
    if unknown:
        raise InvalidInput(_("Unknown choice: %s.") % ", ".join(sorted(unknown)))
    for value in counts.values():
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10_000:
            raise InvalidInput(_("Counts must be whole numbers from 0 to 10000."))
    if poll.method == "consent" and counts.get("objection"):
        raise InvalidInput(
            _("An objection needs its reason: enter objections as paper votes, one by one.")
        )
    with transaction.atomic():
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        recheck_facilitator(principal, "poll.facilitate", poll)
        if poll.status == Poll.Status.CLOSED:
            raise PollClosed(_("This vote has closed. The counts were not changed."))
        if poll.status != Poll.Status.OPEN:
            raise PollNotOpen()
        rows = []
        for choice in choices:
            value = counts.get(choice, 0)
            if value:
                row, _created = HandCount.objects.update_or_create(
                    poll=poll,
                    constituency=constituency,
                    choice=choice,
                    defaults={"count": value, "entered_by": entered_by},
                )
                rows.append(row)
            else:
                HandCount.objects.filter(
                    poll=poll, constituency=constituency, choice=choice
                ).delete()
        audit.append(
            forum_id=poll.forum_id,
            actor=actor_label(actor or entered_by),
            kind="hand_count.entered",
            payload={
                "poll": poll.pk,
                "constituency": constituency,
                "counts": {c: counts.get(c, 0) for c in choices},
            },
        )
        results_reveal(poll=poll, why="hand_count", actor=actor or entered_by)
        if poll.meeting_id:
            realtime.tally_changed(poll.meeting_id, poll.pk)
    return rows


def poll_spec(poll: Poll) -> methods.PollSpec:
    """Return the pure description of a poll that the voting methods use."""
    return methods.PollSpec(
        method=poll.method,
        options=tuple(option.key for option in poll.options.all()),
        dots=poll.dots,
    )
