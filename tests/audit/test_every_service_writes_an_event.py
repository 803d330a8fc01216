"""Every service that changes state writes an audit event: listed, not remembered.

The test finds every public function in deliberation/services/, so a new service
without a scenario here fails until someone says how it is audited. Each scenario
sets up what the service needs, then the service is called once and must append at
least one event (of the kinds named, where given) to an unbroken chain.
"""

import datetime
import importlib
import inspect
import io
import pkgutil
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image

import deliberation.services
from deliberation import audit
from deliberation.models import AuditEvent, Member, NotifyFrequency, Role, SummarySend
from deliberation.services import (
    actions,
    agenda,
    ballots,
    comments,
    decisions,
    equals,
    forum_polls,
    forums,
    glossary,
    meetings,
    notifications,
    polls,
    proposals,
    scheduling,
    sending,
)
from deliberation.services import summaries as summary_services
from deliberation.services.ballots import BallotRequest
from deliberation.services.proposals import PhotoInput
from tests import factories

pytestmark = pytest.mark.django_db

# Public functions that are not use cases: each says why it writes no event itself.
NOT_USE_CASES = {
    "common.actor_label": "describes an actor for the events others write",
    "common.announce_change": "broadcasts inside the change that writes the event",
    "common.announce_console": "broadcasts inside the change that writes the event",
    "common.bump_version": "part of announce_change, inside an audited change",
    "common.recheck": "checks a rule inside a change; refuses or lets it go on",
    "common.recheck_facilitator": "checks a rule inside a change; refuses or lets it go on",
    "common.recheck_forum_facilitator": "checks a rule inside a change; refuses or lets it go on",
    "polls.poll_spec": "reads a poll",
    "proposals.count_sentences": "pure helper",
    "proposals.refusal": "pure helper: words for a refused move",
    "proposals.outcome_for": "reads a poll's result",
    "proposals.reason_words": "pure helper: words for a stored reason code",
    "sending.detail_words": "pure helper: words for a stored send result",
    "scheduling.in_every_language": "pure helper: a title in every language",
    "notifications.unsubscribe_token": "signs a token; stores nothing",
    "notifications.member_for_unsubscribe": "reads a signed token",
    "notifications.build_email": "builds an email; sending is send_pending's",
    "notifications.pending_count": "reads",
    "notifications.queue_for_proposal": "inside proposal_create, which writes the event",
    "notifications.queue_for_comment": "inside comment_add, which writes the event",
    "notifications.email_address_set": "inside member_add/member_update, which write the event",
    "notifications.follow_default": "inside proposal_create/proposal_endorse (their event)",
    "notifications.is_following": "reads",
    "notifications.notice_words": "reads: words for a notice",
    "notifications.queue_for_followers": "inside the change that writes the event "
    "(a status move, a vote opening, a decision, an action)",
    "notifications.queue_for_vote": "inside forum_polls_tick, under poll_open's event; "
    "'closing soon' notices change nothing in the record",
    "notifications.queue_for_decision": "inside decision_record, which writes the event",
    "notifications.queue_for_action": "inside the action services, which write the event",
    "notifications.notices_mark_read": "a member's own reading of their notices: not the "
    "forum's record, and who read what when is personal data the chain should not keep",
    "sending.sending_plan": "reads: says who would get the summary how",
    "sending.print_pack_pdf": "renders the print pack; stores nothing",
    "notifications.retry_delay": "pure helper: how long to wait before the next try",
    "summaries.summary_status": "reads: says where a summary is",
    "secret_ballots.secret_rewrite": "inside poll_close, which writes the event",
    "secret_ballots.remove_for_good": "inside poll_close, which writes the event",
    "polls.results_reveal": "inside poll_results_show, hand_count_set and ballots_cast, "
    "under their lock; writes poll.results_shown when it shows them",
    "polls.results_reveal_if_everyone_voted": "inside ballots_cast, under its lock; "
    "writes poll.results_shown when it shows them",
}


def service_functions() -> list[str]:
    names = []
    for module in pkgutil.iter_modules(deliberation.services.__path__):
        loaded = importlib.import_module(f"deliberation.services.{module.name}")
        for name, function in inspect.getmembers(loaded, inspect.isfunction):
            if function.__module__ == loaded.__name__ and not name.startswith("_"):
                names.append(f"{module.name}.{name}")
    return sorted(names)


# -- scenarios: set up, then return the one call under test ---------------------------

Scenario = Callable[[dict[str, Any]], Callable[[], Any]]
SCENARIOS: dict[str, tuple[Scenario, tuple[str, ...]]] = {}


def scenario(name: str, *kinds: str) -> Callable[[Scenario], Scenario]:
    def register(func: Scenario) -> Scenario:
        SCENARIOS[name] = (func, kinds)
        return func

    return register


def png() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, "PNG")
    buffer.seek(0)
    return buffer


def _closed_poll(ctx: dict[str, Any]) -> Any:
    poll = factories.poll(ctx["meeting"], "yes_no")
    factories.cast(poll, ctx["people"]["staff"][0], {"choice": "yes"})
    return polls.poll_close(poll=poll)


def _decision(ctx: dict[str, Any]) -> Any:
    return factories.decision(ctx["meeting"], _closed_poll(ctx))


def _proposal(ctx: dict[str, Any]) -> Any:
    return proposals.proposal_create(
        forum=ctx["forum"],
        author=ctx["people"]["lived_experience"][0],
        title="Buses after 6",
        summary="The last bus goes at 6. We want later buses.",
        symbol="transport",
    )


def _comment(ctx: dict[str, Any]) -> Any:
    return comments.comment_add(
        proposal=_proposal(ctx), author=ctx["people"]["staff"][1], body="Yes please."
    )


def _shortlisted(ctx: dict[str, Any]) -> Any:
    proposal = _proposal(ctx)
    return proposals.proposal_status_change(
        proposal=proposal, to="shortlisted", reason="Lots of support.", by=ctx["lead"]
    )


def _forum_poll(ctx: dict[str, Any], *, opens_in: int) -> Any:
    opens = timezone.now() + datetime.timedelta(hours=opens_in)
    return forum_polls.forum_poll_create(
        forum=ctx["forum"],
        by=ctx["lead"],
        opens_at=opens,
        closes_at=opens + datetime.timedelta(hours=2),
        question="Meet online too?",
        method="yes_no",
    )


@scenario("actions.action_create", "action.created")
def _(ctx):
    decision = _decision(ctx)
    return lambda: factories.action(decision)


@scenario("actions.action_edit", "action.edited")
def _(ctx):
    action = factories.action(_decision(ctx))
    return lambda: actions.action_edit(
        action=action, description="Ask again.", due_on=action.due_on, owner_name="Council"
    )


@scenario("actions.action_progress_add", "action.progress")
def _(ctx):
    action = factories.action(_decision(ctx))
    photo = PhotoInput(png(), "The new timetable")
    return lambda: actions.action_progress_add(
        action=action, note="Asked.", status="in_progress", photo=photo
    )


@scenario("decisions.decision_record", "decision.recorded")
def _(ctx):
    poll = _closed_poll(ctx)
    return lambda: decisions.decision_record(meeting=ctx["meeting"], poll=poll, outcome="Yes.")


@scenario("decisions.decision_check_back", "poll.created")
def _(ctx):
    decision = _decision(ctx)
    return lambda: decisions.decision_check_back(decision=decision, meeting=ctx["meeting"])


@scenario("forums.forum_create", "forum.created")
def _(ctx):
    return lambda: forums.forum_create(name="Carers' Forum", slug="carers")


@scenario("forums.member_add", "member.added")
def _(ctx):
    return lambda: forums.member_add(forum=ctx["forum"], name="Nia", constituency="staff")


@scenario("forums.member_update", "member.updated")
def _(ctx):
    member = ctx["people"]["staff"][0]
    return lambda: forums.member_update(
        member=member,
        name="Nia",
        constituency="staff",
        role=Role.PARTICIPANT,
        communication_needs=["welsh"],
        supports=[],
    )


@scenario("forums.member_erase", "member.erased")
def _(ctx):
    _comment(ctx)
    return lambda: forums.member_erase(member=ctx["people"]["staff"][1], actor=ctx["lead"])


@scenario("meetings.meeting_create", "meeting.created")
def _(ctx):
    return lambda: meetings.meeting_create(forum=ctx["forum"], title="June")


@scenario("agenda.agenda_item_add", "agenda.item_added")
def _(ctx):
    return lambda: agenda.agenda_item_add(meeting=ctx["meeting"], title="Any other business")


@scenario("meetings.meeting_open", "meeting.opened")
def _(ctx):
    meeting = meetings.meeting_create(forum=ctx["forum"], title="June")
    return lambda: meetings.meeting_open(meeting=meeting)


@scenario("meetings.meeting_close", "meeting.closed")
def _(ctx):
    return lambda: meetings.meeting_close(meeting=ctx["meeting"])


@scenario("agenda.agenda_move", "agenda.moved")
def _(ctx):
    item = ctx["meeting"].agenda.order_by("position").last()
    return lambda: agenda.agenda_move(meeting=ctx["meeting"], item=item)


def _at_first_item(ctx):
    meeting = ctx["meeting"]
    agenda.agenda_move(meeting=meeting, item=meeting.agenda.order_by("position").first())
    return meeting


@scenario("agenda.agenda_timer_start", "agenda.timer_started")
def _(ctx):
    meeting = _at_first_item(ctx)
    return lambda: agenda.agenda_timer_start(meeting=meeting, minutes=10)


@scenario("agenda.agenda_timer_add", "agenda.timer_added")
def _(ctx):
    meeting = _at_first_item(ctx)
    return lambda: agenda.agenda_timer_add(meeting=meeting, minutes=5)


@scenario("agenda.agenda_timer_stop", "agenda.timer_stopped")
def _(ctx):
    meeting = _at_first_item(ctx)
    agenda.agenda_timer_start(meeting=meeting, minutes=10)
    return lambda: agenda.agenda_timer_stop(meeting=meeting)


@scenario("meetings.meeting_update_settings", "meeting.settings_changed")
def _(ctx):
    return lambda: meetings.meeting_update_settings(meeting=ctx["meeting"], allow_name_choice=False)


@scenario("meetings.attendance_join", "attendance.joined")
def _(ctx):
    member = factories.member(ctx["forum"], "staff")
    return lambda: factories.join(ctx["meeting"], member)


@scenario("meetings.guest_request", "member.added", "attendance.guest_waiting")
def _(ctx):
    return lambda: meetings.guest_request(
        meeting=ctx["meeting"], name="Guest", constituency="staff", device_token="d"
    )


@scenario("meetings.guest_admit", "attendance.guest_admitted")
def _(ctx):
    waiting = meetings.guest_request(
        meeting=ctx["meeting"], name="Guest", constituency="staff", device_token="d"
    )
    return lambda: meetings.guest_admit(attendance=waiting)


@scenario("meetings.attendance_release", "attendance.released")
def _(ctx):
    attendance = ctx["meeting"].attendance.first()
    return lambda: meetings.attendance_release(attendance=attendance)


@scenario("meetings.attendance_claim", "attendance.claimed")
def _(ctx):
    member = factories.member(ctx["forum"], "staff")
    factories.join(ctx["meeting"], member, device="first-phone")
    return lambda: meetings.attendance_claim(
        meeting=ctx["meeting"], member=member, device_token="second-phone"
    )


@scenario("meetings.attendance_claim_decide", "attendance.claim_confirmed")
def _(ctx):
    member = factories.member(ctx["forum"], "staff")
    factories.join(ctx["meeting"], member, device="first-phone")
    attendance = meetings.attendance_claim(
        meeting=ctx["meeting"], member=member, device_token="second-phone"
    )
    return lambda: meetings.attendance_claim_decide(attendance=attendance, confirm=True)


@scenario("forums.member_link_reissue", "member.link_reissued")
def _(ctx):
    return lambda: forums.member_link_reissue(member=ctx["people"]["staff"][0])


@scenario("meetings.meeting_recap_show", "meeting.recap_shown")
def _(ctx):
    earlier = ctx["meeting"]
    _decision(ctx)
    meetings.meeting_close(meeting=earlier)
    later = factories.open_meeting(ctx["forum"])
    return lambda: meetings.meeting_recap_show(meeting=later, shown=True)


@scenario("polls.poll_create", "poll.created")
def _(ctx):
    return lambda: factories.poll(ctx["meeting"], "yes_no", open_=False)


@scenario("polls.poll_update_settings", "poll.settings_changed")
def _(ctx):
    poll = factories.poll(ctx["meeting"], "yes_no", open_=False)
    return lambda: polls.poll_update_settings(poll=poll, secret=True)


@scenario("polls.poll_open", "poll.opened")
def _(ctx):
    poll = factories.poll(ctx["meeting"], "yes_no", open_=False)
    return lambda: polls.poll_open(poll=poll)


@scenario("polls.poll_reopen", "poll.reopened")
def _(ctx):
    poll = _closed_poll(ctx)
    return lambda: polls.poll_reopen(poll=poll)


@scenario("meetings.meeting_reopen", "meeting.reopened")
def _(ctx):
    meetings.meeting_close(meeting=ctx["meeting"])
    return lambda: meetings.meeting_reopen(meeting=ctx["meeting"])


@scenario("polls.poll_results_show", "poll.results_shown")
def _(ctx):
    poll = factories.poll(ctx["meeting"], "yes_no", results_shown="all_voted")
    return lambda: polls.poll_results_show(poll=poll)


@scenario("polls.poll_close", "poll.closed")
def _(ctx):
    poll = factories.poll(ctx["meeting"], "yes_no")
    return lambda: polls.poll_close(poll=poll)


@scenario("ballots.ballot_cast", "ballot.cast")
def _(ctx):
    poll = factories.poll(ctx["meeting"], "yes_no")
    return lambda: factories.cast(poll, ctx["people"]["staff"][0], {"choice": "no"})


@scenario("ballots.ballots_cast", "ballot.cast")
def _(ctx):
    poll = factories.poll(ctx["meeting"], "yes_no", secret=True)
    voters = ctx["people"]["commissioner"]
    requests = [BallotRequest({"choice": "yes"}, uuid.uuid4(), v) for v in voters]
    return lambda: ballots.ballots_cast(poll_id=poll.pk, requests=requests)


@scenario("polls.hand_count_set", "hand_count.entered")
def _(ctx):
    poll = factories.poll(ctx["meeting"], "traffic_light")
    return lambda: polls.hand_count_set(
        poll=poll, constituency="staff", counts={"agree": 4}, entered_by=None
    )


@scenario("proposals.proposal_create", "proposal.created")
def _(ctx):
    return lambda: _proposal(ctx)


@scenario("proposals.proposal_edit", "proposal.edited")
def _(ctx):
    proposal = _proposal(ctx)
    return lambda: proposals.proposal_edit(
        proposal=proposal,
        editor=proposal.author,
        title="Buses after 7",
        summary=proposal.summary,
        symbol=proposal.symbol,
        body="",
    )


@scenario("proposals.proposal_photo_add", "proposal.photo_added")
def _(ctx):
    proposal = _proposal(ctx)
    return lambda: proposals.proposal_photo_add(
        proposal=proposal, photo=PhotoInput(png(), "Bus stop"), added_by=proposal.author
    )


@scenario("comments.comment_add", "comment.added")
def _(ctx):
    proposal = _proposal(ctx)
    return lambda: comments.comment_add(
        proposal=proposal, author=ctx["people"]["staff"][1], body="Good idea."
    )


@scenario("comments.comment_edit", "comment.edited")
def _(ctx):
    comment = _comment(ctx)
    return lambda: comments.comment_edit(comment=comment, editor=comment.author, body="Yes!")


@scenario("proposals.proposal_hide", "proposal.hidden")
def _(ctx):
    proposal = _proposal(ctx)
    return lambda: proposals.proposal_hide(proposal=proposal, by=ctx["lead"], reason="Rude.")


@scenario("proposals.proposal_unhide", "proposal.shown")
def _(ctx):
    proposal = proposals.proposal_hide(proposal=_proposal(ctx), by=ctx["lead"], reason="Rude.")
    return lambda: proposals.proposal_unhide(proposal=proposal, by=ctx["lead"])


@scenario("comments.comment_hide", "comment.hidden")
def _(ctx):
    comment = _comment(ctx)
    return lambda: comments.comment_hide(comment=comment, by=ctx["lead"], reason="Rude.")


@scenario("comments.comment_unhide", "comment.shown")
def _(ctx):
    comment = comments.comment_hide(comment=_comment(ctx), by=ctx["lead"], reason="Rude.")
    return lambda: comments.comment_unhide(comment=comment, by=ctx["lead"])


@scenario("proposals.proposal_endorse", "proposal.endorsed")
def _(ctx):
    proposal = _proposal(ctx)
    return lambda: proposals.proposal_endorse(
        proposal=proposal, member=ctx["people"]["commissioner"][0]
    )


@scenario("proposals.proposal_unendorse", "proposal.unendorsed")
def _(ctx):
    proposal = _proposal(ctx)
    member = ctx["people"]["commissioner"][0]
    proposals.proposal_endorse(proposal=proposal, member=member)
    return lambda: proposals.proposal_unendorse(proposal=proposal, member=member)


@scenario("comments.comment_report", "comment.reported")
def _(ctx):
    comment = _comment(ctx)
    return lambda: comments.comment_report(
        comment=comment, reporter=ctx["people"]["commissioner"][0], reason="Unkind."
    )


@scenario("comments.comment_report_dismiss", "comment.report_dismissed")
def _(ctx):
    report = comments.comment_report(comment=_comment(ctx), reporter=ctx["people"]["staff"][0])
    return lambda: comments.comment_report_dismiss(report=report, by=ctx["lead"])


@scenario("proposals.proposal_status_change", "proposal.status_changed")
def _(ctx):
    proposal = _proposal(ctx)
    return lambda: proposals.proposal_status_change(
        proposal=proposal, to="shortlisted", reason="Lots of support.", by=ctx["lead"]
    )


@scenario("proposals.proposal_withdraw", "proposal.status_changed")
def _(ctx):
    proposal = _proposal(ctx)
    return lambda: proposals.proposal_withdraw(
        proposal=proposal, by=proposal.author, reason="Done another way."
    )


@scenario("scheduling.proposals_schedule", "proposal.scheduled")
def _(ctx):
    proposal = _shortlisted(ctx)
    return lambda: scheduling.proposals_schedule(
        proposals=[proposal],
        meeting=ctx["meeting"],
        by=ctx["lead"],
        method="yes_no",
        question="Later buses?",
    )


@scenario("proposals.proposals_poll_closed", "proposal.status_changed")
def _(ctx):
    scheduled = scheduling.proposals_schedule(
        proposals=[_shortlisted(ctx)],
        meeting=ctx["meeting"],
        by=ctx["lead"],
        method="yes_no",
        question="Later buses?",
    )
    # It runs inside poll_close; called on its own it writes its own events.
    return lambda: proposals.proposals_poll_closed(poll=scheduled.poll)


@scenario("proposals.proposals_poll_reopened", "proposal.status_changed")
def _(ctx):
    scheduled = scheduling.proposals_schedule(
        proposals=[_shortlisted(ctx)],
        meeting=ctx["meeting"],
        by=ctx["lead"],
        method="yes_no",
        question="Later buses?",
    )
    polls.poll_open(poll=scheduled.poll)
    polls.poll_close(poll=scheduled.poll)
    # It runs inside poll_reopen; called on its own it writes its own events.
    return lambda: proposals.proposals_poll_reopened(poll=scheduled.poll)


@scenario("forum_polls.forum_poll_create", "forum_poll.scheduled")
def _(ctx):
    return lambda: _forum_poll(ctx, opens_in=1)


@scenario("forum_polls.forum_polls_tick", "poll.opened")
def _(ctx):
    poll = _forum_poll(ctx, opens_in=1)
    later = poll.schedule.opens_at + datetime.timedelta(minutes=1)
    return lambda: forum_polls.forum_polls_tick(now=later)


@scenario("forum_polls.forum_poll_count_in", "forum_poll.counted_in")
def _(ctx):
    live = factories.poll(ctx["meeting"], "yes_no", open_=False, question="Online too?")
    opens = timezone.now() - datetime.timedelta(hours=1)
    remote = forum_polls.forum_poll_create(
        forum=ctx["forum"],
        by=ctx["lead"],
        opens_at=opens,
        closes_at=opens + datetime.timedelta(hours=2),
        mirror_of=live,
    )
    factories.cast(remote, factories.member(ctx["forum"], "staff"), {"choice": "yes"})
    forum_polls.forum_polls_tick(now=opens + datetime.timedelta(hours=3))
    remote.refresh_from_db()
    polls.poll_open(poll=live)
    return lambda: forum_polls.forum_poll_count_in(
        forum_poll=remote, meeting_poll=live, by=ctx["lead"]
    )


@scenario("notifications.notification_preference_set", "notifications.chosen")
def _(ctx):
    member = ctx["people"]["staff"][2]
    return lambda: notifications.notification_preference_set(
        member=member, frequency=NotifyFrequency.EACH, email="nia@example.org"
    )


@scenario("notifications.proposal_follow", "proposal.unfollowed")
def _(ctx):
    proposal = _proposal(ctx)
    author = ctx["people"]["lived_experience"][0]
    return lambda: notifications.proposal_follow(proposal=proposal, member=author, follow=False)


@scenario("notifications.notification_unsubscribe", "notifications.unsubscribed")
def _(ctx):
    token = notifications.unsubscribe_token(ctx["people"]["staff"][2])
    return lambda: notifications.notification_unsubscribe(token=token)


def _waiting_email(ctx: dict[str, Any], frequency: str) -> None:
    reader = ctx["people"]["staff"][2]
    notifications.notification_preference_set(
        member=reader, frequency=frequency, email="nia@example.org"
    )
    _proposal(ctx)


@scenario("notifications.send_pending", "notifications.sent")
def _(ctx):
    _waiting_email(ctx, NotifyFrequency.EACH)
    return lambda: notifications.send_pending(frequency=NotifyFrequency.EACH)


@scenario("notifications.digests_send", "notifications.sent")
def _(ctx):
    _waiting_email(ctx, NotifyFrequency.DAILY)
    return notifications.digests_send


@scenario("glossary.glossary_entry_add", "glossary.added")
def _(ctx):
    return lambda: glossary.glossary_entry_add(
        forum=ctx["forum"], kind="glossary", term="ICB", plain="the board", actor=ctx["lead"]
    )


@scenario("glossary.glossary_entry_remove", "glossary.removed")
def _(ctx):
    entry = glossary.glossary_entry_add(
        forum=ctx["forum"], kind="jargon", term="telecare", plain="alarms", actor=ctx["lead"]
    )
    return lambda: glossary.glossary_entry_remove(entry=entry, actor=ctx["lead"])


def _summary(ctx: dict[str, Any]) -> Any:
    summary = summary_services.summary_build(meeting=ctx["meeting"], actor=ctx["lead"])
    # Ready for sign-off: its Welsh checked (issue 13).
    summary.points.update(welsh_status="checked")
    return summary


def _every_point(summary: Any) -> set[int]:
    return set(summary.points.values_list("pk", flat=True))


@scenario("summaries.summary_build", "summary.built")
def _(ctx):
    _decision(ctx)
    return lambda: summary_services.summary_build(meeting=ctx["meeting"])


@scenario("summaries.summary_point_update", "summary.point_changed", "summary.sign_off_cleared")
def _(ctx):
    summary = _summary(ctx)
    summary_services.summary_sign_off(
        summary=summary,
        member=ctx["people"]["lived_experience"][0],
        confirmed=_every_point(summary),
        actor=ctx["lead"],
    )
    point = summary.points.order_by("position").first()
    return lambda: summary_services.summary_point_update(
        point=point, text="We met.", text_cy="", symbol="meeting", kind="meeting"
    )


@scenario("summaries.summary_point_add", "summary.point_added")
def _(ctx):
    summary = _summary(ctx)
    return lambda: summary_services.summary_point_add(summary=summary, text="Thank you.")


@scenario("summaries.summary_point_remove", "summary.point_removed")
def _(ctx):
    point = _summary(ctx).points.order_by("position").last()
    return lambda: summary_services.summary_point_remove(point=point)


@scenario("summaries.summary_point_move", "summary.point_moved")
def _(ctx):
    point = _summary(ctx).points.order_by("position").last()
    return lambda: summary_services.summary_point_move(point=point, direction="up")


@scenario("summaries.summary_sign_off", "summary.signed_off")
def _(ctx):
    summary = _summary(ctx)
    member = ctx["people"]["lived_experience"][1]
    return lambda: summary_services.summary_sign_off(
        summary=summary, member=member, note="Clear.", confirmed=_every_point(summary)
    )


@scenario("summaries.summary_point_welsh", "summary.welsh_checked")
def _(ctx):
    point = _summary(ctx).points.order_by("position").first()
    point.welsh_status = "needs_check"
    point.save(update_fields=["welsh_status"])
    return lambda: summary_services.summary_point_welsh(point=point, status="kept")


def _signed_summary(ctx: dict[str, Any]) -> Any:
    from deliberation.models import Summary, SummaryPoint

    summary = Summary.objects.create(meeting=ctx["meeting"], forum=ctx["forum"])
    SummaryPoint.objects.create(
        summary=summary, position=1, kind="decision", symbol="decision", text="We agreed."
    )
    reader = ctx["people"]["lived_experience"][1]
    reader.communication_needs = ["email"]
    reader.save(update_fields=["communication_needs"])
    notifications.notification_preference_set(
        member=reader, frequency=NotifyFrequency.NONE, email="ann@example.org"
    )
    summary.signed_off_by = ctx["people"]["lived_experience"][0]
    summary.signed_off_at = timezone.now()
    summary.save()
    return summary


@scenario("sending.summary_send", "summary.sent")
def _(ctx):
    summary = _signed_summary(ctx)
    return lambda: sending.summary_send(summary=summary, actor=ctx["lead"])


@scenario("sending.summary_resend", "summary.sent")
def _(ctx):
    summary = _signed_summary(ctx)
    send = sending.summary_send(summary=summary)[0]
    return lambda: sending.summary_resend(send=send, actor=ctx["lead"])


@scenario("sending.summary_send_queue", "summary.send_queued")
def _(ctx):
    summary = _signed_summary(ctx)
    return lambda: sending.summary_send_queue(summary=summary, actor=ctx["lead"])


@scenario("sending.summary_resend_queue", "summary.send_queued")
def _(ctx):
    summary = _signed_summary(ctx)
    send = sending.summary_send(summary=summary)[0]
    return lambda: sending.summary_resend_queue(send=send, actor=ctx["lead"])


@scenario("sending.summary_send_queued", "summary.sent")
def _(ctx):
    summary = _signed_summary(ctx)
    sending.summary_send_queue(summary=summary, actor=ctx["lead"])
    return lambda: sending.summary_send_queued(summary=summary, actor="worker")


@scenario("sending.summary_retry_due", "summary.sent")
def _(ctx):
    summary = _signed_summary(ctx)
    sending.summary_send(summary=summary)
    SummarySend.objects.filter(summary=summary).update(
        status=SummarySend.Status.FAILED, retry_at=timezone.now()
    )
    return lambda: sending.summary_retry_due()


# -- meeting as equals: hands up and cards ---------------------------------------------


@scenario("equals.hand_raise", "speaking.hand_raised")
def _(ctx):
    return lambda: equals.hand_raise(
        meeting=ctx["meeting"], member=ctx["people"]["lived_experience"][0]
    )


@scenario("equals.hand_lower", "speaking.hand_lowered")
def _(ctx):
    member = ctx["people"]["lived_experience"][0]
    equals.hand_raise(meeting=ctx["meeting"], member=member)
    return lambda: equals.hand_lower(meeting=ctx["meeting"], member=member)


@scenario("equals.speaking_start", "speaking.started")
def _(ctx):
    return lambda: equals.speaking_start(meeting=ctx["meeting"], member=ctx["people"]["staff"][0])


@scenario("equals.speaking_finish", "speaking.finished")
def _(ctx):
    equals.speaking_start(meeting=ctx["meeting"], member=ctx["people"]["staff"][0])
    return lambda: equals.speaking_finish(meeting=ctx["meeting"])


@scenario("equals.speaking_finish_at_close", "speaking.finished")
def _(ctx):
    equals.speaking_start(meeting=ctx["meeting"], member=ctx["people"]["staff"][0])
    return lambda: equals.speaking_finish_at_close(meeting=ctx["meeting"])


@scenario("equals.speaking_settings_set", "speaking.settings_changed")
def _(ctx):
    return lambda: equals.speaking_settings_set(
        meeting=ctx["meeting"], lived_experience_first=True, show_names=False, time_limit=90
    )


@scenario("equals.card_show", "card.shown")
def _(ctx):
    return lambda: equals.card_show(
        meeting=ctx["meeting"], member=ctx["people"]["staff"][1], kind="slow_down"
    )


@scenario("equals.cards_clear", "cards.cleared")
def _(ctx):
    equals.card_show(meeting=ctx["meeting"], member=ctx["people"]["staff"][1], kind="jargon")
    return lambda: equals.cards_clear(meeting=ctx["meeting"])


# -- the test -----------------------------------------------------------------------


def test_every_service_function_is_listed_here():
    found = set(service_functions())
    unlisted = found - set(SCENARIOS) - set(NOT_USE_CASES)
    assert not unlisted, (
        f"Add a scenario (or a reason it changes nothing) for: {', '.join(sorted(unlisted))}"
    )
    assert not (set(SCENARIOS) | set(NOT_USE_CASES)) - found, "listed but gone"


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_service_writes_its_audit_event(name, forum, meeting, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    lead = Member.objects.get(forum=forum, role=Role.FACILITATOR)
    ctx = {"forum": forum, "meeting": meeting, "people": people, "lead": lead}
    setup, kinds = SCENARIOS[name]
    call = setup(ctx)
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    call()

    written = list(
        AuditEvent.objects.filter(pk__gt=last).order_by("pk").values_list("kind", flat=True)
    )
    assert written, f"{name} changed state without writing an audit event"
    assert set(kinds) <= set(written), written
    assert audit.verify_all().ok
