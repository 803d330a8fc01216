"""Pages for facilitators: forums, members, QR cards, meetings and the live console."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.forms import BaseForm, ModelChoiceField
from django.forms.models import ModelChoiceIterator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deliberation import display, identity, permissions
from deliberation.exceptions import DomainError
from deliberation.forms.forums import ForumForm, MemberForm
from deliberation.forms.meetings import (
    AgendaAddForm,
    AgendaMoveForm,
    AttendanceForm,
    MarkPresentForm,
    MeetingForm,
    MeetingSettingsForm,
    RecapForm,
    TimerForm,
)
from deliberation.forms.polls import (
    BallotForm,
    HandCountForm,
    PollForm,
    PollPickForm,
    PollSettingsForm,
)
from deliberation.forms.record import ActionForm, CheckBackForm, DecisionForm
from deliberation.models import Decision, Forum, HandCount, Meeting, Member, Poll, Role
from deliberation.selectors import forums as forum_selectors
from deliberation.selectors import meetings as meeting_selectors
from deliberation.selectors import record as record_selectors
from deliberation.services.actions import action_create
from deliberation.services.agenda import (
    agenda_item_add,
    agenda_move,
    agenda_timer_add,
    agenda_timer_start,
    agenda_timer_stop,
)
from deliberation.services.ballots import ballot_cast
from deliberation.services.decisions import decision_check_back, decision_record
from deliberation.services.forums import (
    MemberContact,
    forum_create,
    member_add,
    member_link_reissue,
    member_update,
)
from deliberation.services.meetings import (
    attendance_claim_decide,
    attendance_join,
    attendance_release,
    guest_admit,
    meeting_close,
    meeting_create,
    meeting_open,
    meeting_recap_show,
    meeting_reopen,
    meeting_update_settings,
)
from deliberation.services.polls import (
    hand_count_set,
    poll_close,
    poll_create,
    poll_open,
    poll_reopen,
    poll_results_show,
    poll_update_settings,
)
from deliberation.views.ballots import vote_fields
from deliberation.views.common import (
    Done,
    Posted,
    acting_member,
    current_item,
    facilitator_forum,
    first_error,
    handle_post,
)
from deliberation.views.projector import group_counts, join_url, qr_inline

# -- forums and members ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def forums(request: HttpRequest) -> HttpResponse:
    """List the forums this person facilitates; staff can start a new one."""
    may_create = permissions.can("forum.create", identity.Principal(user=request.user))
    form = ForumForm(request.POST or None) if may_create else None
    if request.method == "POST" and form is None:
        raise PermissionDenied

    def create(data: dict[str, Any]) -> Done:
        forum = forum_create(
            name=data["name"],
            slug=data["slug"],
            description=data["description"],
            actor=request.user,
        )
        return _("The forum is made."), reverse("deliberation:forum", args=[forum.slug])

    posted = (
        handle_post(request, form, create, error_on_form=True) if form is not None else Posted()
    )
    if posted.response:
        return posted.response
    forum_list = forum_selectors.forums_for_user(request.user).annotate(
        member_count=Count("members", distinct=True)
    )
    return render(
        request,
        "deliberation/forums.html",
        {"forums": forum_list, "form": form},
        status=posted.status,
    )


def _contact(data: dict[str, Any]) -> MemberContact:
    """Return the addresses and review date a member form was given."""
    return MemberContact(
        email=data.get("email") or "",
        postal_address=data.get("postal_address") or "",
        needs_review_on=data.get("needs_review_on"),
    )


def _member_rows(forum: Forum) -> list[dict[str, Any]]:
    rows = []
    for member in forum_selectors.forum_members(forum):
        rows.append(
            {
                "member": member,
                "group": display.group_label(member.constituency),
                "group_symbol": display.GROUP_SYMBOLS.get(member.constituency, ""),
                "needs": [
                    {"label": display.NEEDS.get(n, n), "symbol": display.NEED_SYMBOLS.get(n, "")}
                    for n in member.communication_needs
                ],
                "supports": [m.name for m in member.supports.all()],
                "review_due": display.needs_review_due(member.needs_review_on),
            }
        )
    return rows


@login_required
@require_GET
def forum(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a forum's members and meetings."""
    forum = facilitator_forum(request, slug)
    meetings = forum.meetings.annotate(poll_count=Count("polls")).order_by("-created_at")
    return render(
        request,
        "deliberation/forum.html",
        {"forum": forum, "members": _member_rows(forum), "meetings": meetings},
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_add_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Add a person to the forum."""
    forum = facilitator_forum(request, slug)
    form = MemberForm(request.POST or None, forum=forum)

    def add(data: dict[str, Any]) -> Done:
        member = member_add(
            forum=forum,
            name=data["name"],
            constituency=data["constituency"],
            role=data["role"],
            communication_needs=data["communication_needs"],
            supports=data["supports"],
            contact=_contact(data),
            actor=request.user,
        )
        message = _("%(name)s is added.") % {"name": member.name}
        return message, reverse("deliberation:forum", args=[forum.slug])

    posted = handle_post(request, form, add, error_on_form=True)
    return posted.response or render(
        request,
        "deliberation/member_form.html",
        {"forum": forum, "form": form, "member": None},
        status=posted.status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    """Change a person's details."""
    forum = facilitator_forum(request, slug)
    member = get_object_or_404(Member, pk=member_id, forum=forum)
    initial = {
        "name": member.name,
        "constituency": member.constituency,
        "role": member.role,
        "communication_needs": member.communication_needs,
        "supports": list(member.supports.all()),
        "is_active": member.is_active,
        "needs_review_on": member.needs_review_on,
        "email": forum_selectors.member_email(member),
        "postal_address": member.postal_address,
    }
    form = MemberForm(request.POST or None, forum=forum, member=member, initial=initial)

    def update(data: dict[str, Any]) -> Done:
        member_update(
            member=member,
            name=data["name"],
            constituency=data["constituency"],
            role=data["role"],
            communication_needs=data["communication_needs"],
            supports=data["supports"],
            is_active=data["is_active"],
            contact=_contact(data),
            actor=request.user,
        )
        return _("The changes are saved."), reverse("deliberation:forum", args=[forum.slug])

    posted = handle_post(request, form, update, error_on_form=True)
    return posted.response or render(
        request,
        "deliberation/member_form.html",
        {
            "forum": forum,
            "form": form,
            "member": member,
            "review_due": display.needs_review_due(member.needs_review_on),
        },
        status=posted.status,
    )


@login_required
@require_GET
def cards(request: HttpRequest, slug: str) -> HttpResponse:
    """Print a sheet of personal QR cards, one for each member."""
    forum = facilitator_forum(request, slug)
    rows = []
    for member in forum_selectors.forum_members(forum).filter(is_active=True):
        url = request.build_absolute_uri(reverse("deliberation:invite", args=[member.invite_token]))
        rows.append(
            {
                "name": member.name,
                "group": display.group_label(member.constituency),
                "group_symbol": display.GROUP_SYMBOLS.get(member.constituency, ""),
                "qr": qr_inline(url),
                "url": url,
            }
        )
    return render(request, "deliberation/cards.html", {"forum": forum, "cards": rows})


@login_required
@require_POST
def member_new_link(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    """Give a member a new personal link and card (one was lost); the old one stops working."""
    forum = facilitator_forum(request, slug)
    member = get_object_or_404(Member, pk=member_id, forum=forum)
    member_link_reissue(member=member, actor=request.user)
    messages.success(
        request,
        _("%(name)s has a new card. The old card does not work any more. Print the new one.")
        % {"name": member.name},
    )
    return redirect("deliberation:member_edit", slug=forum.slug, member_id=member.pk)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Plan a meeting with its agenda."""
    forum = facilitator_forum(request, slug)
    form = MeetingForm(request.POST or None)

    def create(data: dict[str, Any]) -> Done:
        meeting = meeting_create(
            forum=forum,
            title=data["title"],
            starts_at=data["starts_at"],
            place=data["place"],
            agenda=data["agenda"],
            allow_name_choice=data["allow_name_choice"],
            actor=request.user,
        )
        return _("The meeting is made."), reverse(
            "deliberation:console", args=[forum.slug, meeting.pk]
        )

    posted = handle_post(request, form, create, error_on_form=True)
    return posted.response or render(
        request,
        "deliberation/meeting_form.html",
        {"forum": forum, "form": form},
        status=posted.status,
    )


# -- the console -------------------------------------------------------------------


def _hand_rows(poll: dict[str, Any], counts: dict[tuple[str, str], int]) -> list[dict[str, Any]]:
    options = display.option_views(poll)
    return [
        {
            "key": group,
            "label": display.group_label(group),
            "symbol": display.GROUP_SYMBOLS[group],
            "cells": [
                {**o, "value": counts.get((group, o["key"]), 0)}
                for o in options
                # An objection needs its reason, so it is entered as a paper vote.
                if not (poll["method"] == "consent" and o["key"] == "objection")
            ],
        }
        for group in display.GROUPS
    ]


def _owner_choices(form: BaseForm | None) -> list[tuple[str, str]]:
    """Return the action form's owner choices (value, label) as text, read once."""
    field = form.fields["owner"] if form is not None else None
    if not isinstance(field, ModelChoiceField):
        return []
    return [(str(value), str(label)) for value, label in ModelChoiceIterator(field)]


def _console_page(
    request: HttpRequest,
    forum: Forum,
    meeting: Meeting,
    *,
    error: str = "",
    action: str = "",
    bound: BaseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    snapshot = meeting_selectors.meeting_snapshot(meeting.pk, audience="facilitator")
    models_by_id = {
        p.pk: p
        for p in Poll.objects.filter(meeting=meeting)
        .select_related("forum")
        .prefetch_related("options")
    }
    hand_counts: dict[int, dict[tuple[str, str], int]] = {}
    for row in HandCount.objects.filter(poll__meeting=meeting):
        hand_counts.setdefault(row.poll_id, {})[(row.constituency, row.choice)] = row.count
    decided = set(
        Decision.objects.filter(meeting=meeting, poll__isnull=False).values_list(
            "poll_id", flat=True
        )
    )
    assisted = meeting_selectors.assisted_votes(meeting)
    reopen_refused = meeting_selectors.reopen_refusals(models_by_id.values())
    bound_poll = ""
    if bound is not None and getattr(bound, "is_bound", False):
        bound_poll = str(bound.data.get("poll") or bound.data.get("paper-poll") or "")
    polls = []
    for poll in reversed(snapshot["polls"]):
        model = models_by_id[poll["id"]]
        entry: dict[str, Any] = {
            "poll": poll,
            "method_label": model.get_method_display(),
            "method_symbol": display.METHOD_SYMBOLS.get(poll["method"], "vote"),
            "weighting_label": display.WEIGHTINGS[poll["weighting"]],
            "results": display.build_results(poll),
            "decided": poll["id"] in decided,
            "is_single": model.is_single_choice,
            "results_shown_label": model.get_results_shown_display(),
            "may_show_results": model.may_show_results_early,
            "assisted": assisted.get(poll["id"], []),
        }
        is_bound_here = bound_poll == str(poll["id"])
        if poll["status"] == "open":
            entry["hand_rows"] = (
                _hand_rows(poll, hand_counts.get(poll["id"], {})) if model.is_single_choice else []
            )
            paper_form = (
                bound
                if action == "paper_ballot" and is_bound_here and isinstance(bound, BallotForm)
                else BallotForm(poll=model, paper=True, prefix="paper")
            )
            entry["paper"] = vote_fields(poll, paper_form)
            entry["paper"]["constituency"] = (
                paper_form.current().get("constituency") if paper_form.is_bound else ""
            )
        entry["reopen_refused"] = reopen_refused.get(poll["id"])
        if poll["status"] in ("draft", "open"):
            entry["settings"] = (
                bound
                if action == "poll_settings" and is_bound_here
                else PollSettingsForm(meeting=meeting, initial=PollSettingsForm.initial_for(model))
            )
        polls.append(entry)
    people = snapshot["people"]
    for person in people:
        person["group"] = display.group_label(person["constituency"])
        person["role_label"] = Role(person["role"]).label
        person["group_symbol"] = display.GROUP_SYMBOLS.get(person["constituency"], "")
        person["need_list"] = [
            {"label": display.NEEDS.get(n, n), "symbol": display.NEED_SYMBOLS.get(n, "")}
            for n in person["needs"]
        ]
    forms = {
        "poll_new": bound if action == "poll_new" else PollForm(meeting=meeting),
        "agenda_add": bound if action == "agenda_add" else AgendaAddForm(),
        "timer": bound if action == "timer_start" else TimerForm(prefix="timer"),
        "present": bound if action == "present" else MarkPresentForm(meeting=meeting),
        "decision": bound if action == "decision" else DecisionForm(meeting=meeting),
        "action_add": bound
        if action == "action_add"
        else ActionForm(forum=forum, decisions=meeting.decisions.all()),
    }
    decisions = list(
        Decision.objects.filter(meeting=meeting)
        .select_related("poll", "agenda_item")
        .order_by("recorded_at", "pk")
    )
    actions = record_selectors.meeting_actions(meeting)
    bound_decision = (
        str(bound.data.get("decision") or "")
        if bound is not None and action == "action_add"
        else ""
    )
    for decision in decisions:
        decision.action_list = actions.get(decision.pk, [])  # type: ignore[attr-defined]
        decision.action_form_open = bound_decision == str(decision.pk)  # type: ignore[attr-defined]
    recap = record_selectors.meeting_recap(meeting)
    projector_url = request.build_absolute_uri(
        reverse("deliberation:projector", args=[meeting.projector_token])
    )
    context = {
        "forum": forum,
        "meeting": meeting,
        "snapshot": snapshot,
        "agenda": snapshot["agenda"],
        "item": current_item(snapshot),
        "polls": polls,
        "present": [p for p in people if p["status"] == "present"],
        "waiting": [p for p in people if p["status"] == "waiting"],
        "claims": [p for p in people if p.get("claim")],
        "groups": group_counts(snapshot["attendance"]["present"]),
        "group_choices": [(k, display.group_label(k)) for k in display.GROUPS],
        "decisions": decisions,
        # Read and written once: each decision's form offers the same people (a
        # meeting with many decisions queried and drew this list once per decision).
        "owner_options": format_html_join(
            "", '<option value="{}">{}</option>', _owner_choices(forms["action_add"])
        ),
        "recap": recap,
        "recap_shown": meeting.recap_shown,
        "action_statuses": display.ACTION_STATUSES,
        "forms": forms,
        "join_url": join_url(request, meeting),
        "projector_url": projector_url,
        "error": error,
        "config_script": display.live_config_script(),
        "ws_url": f"/ws/meeting/{meeting.pk}/facilitator/",
    }
    return render(request, "deliberation/console.html", context, status=status)


def _meeting(forum: Forum, meeting_id: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.select_related("forum", "current_item"), pk=meeting_id, forum=forum
    )


@login_required
@require_GET
def console(request: HttpRequest, slug: str, meeting_id: int) -> HttpResponse:
    """Run a live meeting: agenda, people, votes, decisions."""
    forum = facilitator_forum(request, slug)
    return _console_page(request, forum, _meeting(forum, meeting_id))


# The form a console action was given, kept to show again with its errors.
ConsoleForms = dict[str, BaseForm]


class FormInvalid(Exception):
    """A console form that did not validate; the console shows it again with its errors."""

    def __init__(self, form: BaseForm) -> None:
        super().__init__(first_error(form))
        self.form = form
        self.message = first_error(form)


def _valid[F: BaseForm](form: F) -> F:
    if not form.is_valid():
        raise FormInvalid(form)
    return form


def _pick_poll(request: HttpRequest, meeting: Meeting) -> Poll:
    form = _valid(PollPickForm(request.POST, meeting=meeting))
    return form.cleaned_data["poll"]


def _asker(request: HttpRequest, meeting: Meeting) -> identity.Principal:
    """Return who is asking at the console: the signed-in facilitator, checked again below."""
    return identity.Principal(user=request.user, forum_id=meeting.forum_id)


def do_open(request: HttpRequest, meeting: Meeting, ctx: ConsoleForms) -> tuple[str, str]:
    meeting_open(meeting=meeting, actor=request.user, principal=_asker(request, meeting))
    return _("The meeting is open. People can join."), "meeting"


class ConfirmFirst(Exception):
    """An action that asks the facilitator to confirm it on a page of its own first."""

    def __init__(self, template: str, context: dict[str, Any]) -> None:
        super().__init__(template)
        self.template = template
        self.context = context


def do_close(request: HttpRequest, meeting: Meeting, ctx: ConsoleForms) -> tuple[str, str]:
    # Asked twice, without JavaScript: the first press shows what closing will do.
    if request.POST.get("confirm") != "yes":
        open_poll = meeting.polls.filter(status=Poll.Status.OPEN).first()
        raise ConfirmFirst(
            "deliberation/meeting_close_confirm.html",
            {"meeting": meeting, "forum": meeting.forum, "open_poll": open_poll},
        )
    meeting_close(meeting=meeting, actor=request.user, principal=_asker(request, meeting))
    return _("The meeting is closed. You can open it again if this was a mistake."), "meeting"


def do_reopen(request: HttpRequest, meeting: Meeting, ctx: ConsoleForms) -> tuple[str, str]:
    meeting_reopen(meeting=meeting, actor=request.user, principal=_asker(request, meeting))
    return _("The meeting is open again. People can join."), "meeting"


def do_move(request: HttpRequest, meeting: Meeting, ctx: ConsoleForms) -> tuple[str, str]:
    form = _valid(AgendaMoveForm(request.POST, meeting=meeting))
    agenda_move(
        meeting=meeting,
        item=form.cleaned_data["item"],
        actor=request.user,
        principal=_asker(request, meeting),
    )
    return _("Every screen now shows the new agenda item."), "agenda"


def do_agenda_add(request: HttpRequest, meeting: Meeting, ctx: ConsoleForms) -> tuple[str, str]:
    form = ctx["form"] = AgendaAddForm(request.POST)
    _valid(form)
    agenda_item_add(
        meeting=meeting,
        title=form.cleaned_data["title"],
        description=form.cleaned_data["description"],
        kind=form.cleaned_data["kind"],
        minutes=form.cleaned_data["minutes"],
        actor=request.user,
        principal=_asker(request, meeting),
    )
    return _("The agenda item is added."), "agenda"


def do_timer_start(request: HttpRequest, meeting: Meeting, ctx: ConsoleForms) -> tuple[str, str]:
    form = ctx["form"] = TimerForm(request.POST, prefix="timer")
    _valid(form)
    agenda_timer_start(
        meeting=meeting,
        minutes=form.cleaned_data["minutes"],
        actor=request.user,
        principal=_asker(request, meeting),
    )
    return _("The timer is running. Every screen shows it."), "agenda"


def do_timer_add(request: HttpRequest, meeting: Meeting, ctx: ConsoleForms) -> tuple[str, str]:
    form = _valid(TimerForm(request.POST, prefix="timer"))
    agenda_timer_add(
        meeting=meeting,
        minutes=form.cleaned_data["minutes"],
        actor=request.user,
        principal=_asker(request, meeting),
    )
    return _("The timer has more time."), "agenda"


def do_timer_stop(request: HttpRequest, meeting: Meeting, ctx: ConsoleForms) -> tuple[str, str]:
    agenda_timer_stop(meeting=meeting, actor=request.user, principal=_asker(request, meeting))
    return _("The timer is stopped."), "agenda"


def do_settings(request: HttpRequest, meeting: Meeting, ctx: ConsoleForms) -> tuple[str, str]:
    form = _valid(MeetingSettingsForm(request.POST))
    meeting_update_settings(
        meeting=meeting,
        allow_name_choice=form.cleaned_data["allow_name_choice"],
        actor=request.user,
        principal=_asker(request, meeting),
    )
    return _("The settings are saved."), "meeting"


def do_poll_new(request: HttpRequest, meeting: Meeting, ctx: ConsoleForms) -> tuple[str, str]:
    form = ctx["form"] = PollForm(request.POST, meeting=meeting)
    _valid(form)
    data = form.cleaned_data
    poll = poll_create(
        forum=meeting.forum,
        meeting=meeting,
        # A vote belongs to the item being discussed unless the form says otherwise.
        agenda_item=data["agenda_item"] if "agenda_item" in request.POST else meeting.current_item,
        question=data["question"],
        method=data["method"],
        options=data["option_inputs"],
        dots=data["dots"] or 0,
        weighting=data["weighting"],
        secret=data["secret"],
        results_shown=data["results_shown"],
        double_majority=data["double_majority"],
        lived_experience_consent=data["lived_experience_consent"],
        actor=request.user,
        principal=_asker(request, meeting),
    )
    return _("The vote is ready. Open it when people are ready."), f"poll-{poll.pk}"


def do_poll_open(request: HttpRequest, meeting: Meeting, ctx: ConsoleForms) -> tuple[str, str]:
    poll = _pick_poll(request, meeting)
    poll_open(poll=poll, actor=request.user, principal=_asker(request, meeting))
    return _("The vote is open. People can vote now."), f"poll-{poll.pk}"


def do_poll_close(request: HttpRequest, meeting: Meeting, ctx: ConsoleForms) -> tuple[str, str]:
    poll = _pick_poll(request, meeting)
    poll_close(poll=poll, actor=request.user, principal=_asker(request, meeting))
    return _("The vote is closed. The result is saved."), f"poll-{poll.pk}"


def do_poll_reopen(request: HttpRequest, meeting: Meeting, ctx: ConsoleForms) -> tuple[str, str]:
    poll = _pick_poll(request, meeting)
    poll_reopen(poll=poll, actor=request.user, principal=_asker(request, meeting))
    return _("The vote is open again. Its votes are kept. People can vote now."), f"poll-{poll.pk}"


def do_poll_results_show(
    request: HttpRequest, meeting: Meeting, ctx: ConsoleForms
) -> tuple[str, str]:
    poll = _pick_poll(request, meeting)
    poll_results_show(poll=poll, actor=request.user, principal=_asker(request, meeting))
    return _("The results are showing on every screen."), f"poll-{poll.pk}"


def do_poll_settings(request: HttpRequest, meeting: Meeting, ctx: ConsoleForms) -> tuple[str, str]:
    form = ctx["form"] = PollSettingsForm(request.POST, meeting=meeting)
    _valid(form)
    poll = form.cleaned_data["poll"]
    poll_update_settings(
        poll=poll, actor=request.user, **form.changes(), principal=_asker(request, meeting)
    )
    return _("The vote's settings are saved."), f"poll-{poll.pk}"


def do_hand_count(request: HttpRequest, meeting: Meeting, ctx: ConsoleForms) -> tuple[str, str]:
    form = _valid(HandCountForm(request.POST, meeting=meeting))
    poll = form.cleaned_data["poll"]
    hand_count_set(
        poll=poll,
        constituency=form.cleaned_data["constituency"],
        counts=form.counts(),
        entered_by=acting_member(request, meeting.forum),
        actor=request.user,
        principal=_asker(request, meeting),
    )
    return _("The hand count is saved."), f"poll-{poll.pk}"


def do_paper_ballot(request: HttpRequest, meeting: Meeting, ctx: ConsoleForms) -> tuple[str, str]:
    pick = PollPickForm(request.POST, prefix="paper", meeting=meeting)
    _valid(pick)
    poll = pick.cleaned_data["poll"]
    form = ctx["form"] = BallotForm(request.POST, poll=poll, paper=True, prefix="paper")
    _valid(form)
    ballot_cast(
        poll=poll,
        answer=form.cleaned_data["answer"],
        client_id=form.cleaned_data["client_id"],
        voter=None,
        cast_by=acting_member(request, meeting.forum),
        paper_constituency=form.cleaned_data["constituency"],
        meeting=meeting,
        principal=_asker(request, meeting),
    )
    return _("The paper vote is counted."), f"poll-{poll.pk}"


def do_decision(request: HttpRequest, meeting: Meeting, ctx: ConsoleForms) -> tuple[str, str]:
    form = ctx["form"] = DecisionForm(request.POST, meeting=meeting)
    _valid(form)
    poll = form.cleaned_data["poll"]
    decision_record(
        meeting=meeting,
        outcome=form.cleaned_data["outcome"],
        outcome_easy_read=form.cleaned_data["outcome_easy_read"],
        rationale=form.cleaned_data["rationale"],
        poll=poll,
        agenda_item=None if poll else meeting.current_item,
        recorded_by=acting_member(request, meeting.forum),
        actor=request.user,
        principal=_asker(request, meeting),
    )
    return _("The decision is recorded."), "decisions"


def do_action_add(request: HttpRequest, meeting: Meeting, ctx: ConsoleForms) -> tuple[str, str]:
    form = ctx["form"] = ActionForm(
        request.POST, forum=meeting.forum, decisions=meeting.decisions.all()
    )
    _valid(form)
    data = form.cleaned_data
    action_create(
        decision=data["decision"],
        description=data["description"],
        due_on=data["due_on"],
        owner=data["owner"],
        owner_name=data["owner_name"],
        created_by=acting_member(request, meeting.forum),
        actor=request.user,
        principal=_asker(request, meeting),
    )
    return _("The action is added."), f"decision-{data['decision'].pk}"


def do_recap(request: HttpRequest, meeting: Meeting, ctx: ConsoleForms) -> tuple[str, str]:
    form = _valid(RecapForm(request.POST))
    shown = form.cleaned_data["shown"]
    meeting_recap_show(
        meeting=meeting, shown=shown, actor=request.user, principal=_asker(request, meeting)
    )
    if shown:
        return _("The projector shows what we decided last time."), "recap"
    return _("The projector shows the meeting again."), "recap"


def do_check_back(request: HttpRequest, meeting: Meeting, ctx: ConsoleForms) -> tuple[str, str]:
    form = _valid(CheckBackForm(request.POST, forum=meeting.forum))
    poll = decision_check_back(
        decision=form.cleaned_data["decision"],
        meeting=meeting,
        method=form.cleaned_data["method"],
        actor=request.user,
        principal=_asker(request, meeting),
    )
    return _("The check-back vote is ready. Open it when people are ready."), f"poll-{poll.pk}"


def _attendance(request: HttpRequest, meeting: Meeting) -> AttendanceForm:
    return _valid(AttendanceForm(request.POST, meeting=meeting))


def do_admit(request: HttpRequest, meeting: Meeting, ctx: ConsoleForms) -> tuple[str, str]:
    form = _attendance(request, meeting)
    attendance = form.cleaned_data["attendance"]
    guest_admit(
        attendance=attendance,
        constituency=form.cleaned_data["constituency"] or None,
        admit=True,
        actor=request.user,
        principal=_asker(request, meeting),
    )
    return _("%(name)s is let in.") % {"name": attendance.member.name}, "people"


def do_refuse(request: HttpRequest, meeting: Meeting, ctx: ConsoleForms) -> tuple[str, str]:
    form = _attendance(request, meeting)
    attendance = form.cleaned_data["attendance"]
    guest_admit(
        attendance=attendance, admit=False, actor=request.user, principal=_asker(request, meeting)
    )
    return _("%(name)s is turned away.") % {"name": attendance.member.name}, "people"


def do_release(request: HttpRequest, meeting: Meeting, ctx: ConsoleForms) -> tuple[str, str]:
    form = _attendance(request, meeting)
    attendance = form.cleaned_data["attendance"]
    attendance_release(
        attendance=attendance, actor=request.user, principal=_asker(request, meeting)
    )
    return (
        _("%(name)s can join again, on any phone.") % {"name": attendance.member.name},
        "people",
    )


def do_claim_confirm(request: HttpRequest, meeting: Meeting, ctx: ConsoleForms) -> tuple[str, str]:
    attendance = _attendance(request, meeting).cleaned_data["attendance"]
    attendance_claim_decide(
        attendance=attendance, confirm=True, actor=request.user, principal=_asker(request, meeting)
    )
    return _("%(name)s is on the new phone now.") % {"name": attendance.member.name}, "people"


def do_claim_refuse(request: HttpRequest, meeting: Meeting, ctx: ConsoleForms) -> tuple[str, str]:
    attendance = _attendance(request, meeting).cleaned_data["attendance"]
    attendance_claim_decide(
        attendance=attendance, confirm=False, actor=request.user, principal=_asker(request, meeting)
    )
    return _("%(name)s stays on the first phone.") % {"name": attendance.member.name}, "people"


def do_present(request: HttpRequest, meeting: Meeting, ctx: ConsoleForms) -> tuple[str, str]:
    form = ctx["form"] = _valid(MarkPresentForm(request.POST, meeting=meeting))
    member = form.cleaned_data["member"]
    # No phone: nothing ties the name to a device, so the person can still join on one.
    attendance_join(
        meeting=meeting,
        member=member,
        via="facilitator",
        device_token="",
        actor=request.user,
        principal=_asker(request, meeting),
    )
    return _("%(name)s is here.") % {"name": member.name}, "people"


ACTIONS: dict[str, Callable[[HttpRequest, Meeting, ConsoleForms], tuple[str, str]]] = {
    "open": do_open,
    "close": do_close,
    "reopen": do_reopen,
    "move": do_move,
    "agenda_add": do_agenda_add,
    "timer_start": do_timer_start,
    "timer_add": do_timer_add,
    "timer_stop": do_timer_stop,
    "settings": do_settings,
    "poll_new": do_poll_new,
    "poll_open": do_poll_open,
    "poll_close": do_poll_close,
    "poll_reopen": do_poll_reopen,
    "poll_results_show": do_poll_results_show,
    "poll_settings": do_poll_settings,
    "hand_count": do_hand_count,
    "paper_ballot": do_paper_ballot,
    "decision": do_decision,
    "action_add": do_action_add,
    "recap": do_recap,
    "check_back": do_check_back,
    "admit": do_admit,
    "refuse": do_refuse,
    "release": do_release,
    "claim_confirm": do_claim_confirm,
    "claim_refuse": do_claim_refuse,
    "present": do_present,
}


@login_required
@require_POST
def console_action(request: HttpRequest, slug: str, meeting_id: int, action: str) -> HttpResponse:
    """Do one console action through its service, then go back to the console."""
    forum = facilitator_forum(request, slug)
    meeting = _meeting(forum, meeting_id)
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404
    ctx: ConsoleForms = {}
    try:
        message, anchor = handler(request, meeting, ctx)
    except ConfirmFirst as ask:
        return render(request, ask.template, ask.context)
    except (FormInvalid, DomainError) as exc:
        return _console_page(
            request,
            forum,
            meeting,
            error=exc.message,
            action=action,
            bound=ctx.get("form"),
            status=400,
        )
    messages.success(request, message)
    url = reverse("deliberation:console", args=[forum.slug, meeting.pk])
    return redirect(f"{url}#{anchor}")
