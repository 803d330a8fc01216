"""The record: a forum's decision log, each decision with its actions, and their progress.

For forum members and facilitators only. Members have no account: this browser is
known by a personal link, or by the name it joined a meeting with on this phone
(identity.principal_for_request); facilitators sign in. A name picked at a meeting
reaches only that meeting, never the record. Every change is a plain HTML form that
calls one service.
"""

import mimetypes
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deliberation import audit, display, identity, methods, permissions
from deliberation.forms.record import (
    ActionForm,
    ActionProgressForm,
    DecisionLogFilterForm,
    ReceiptCheckForm,
)
from deliberation.models import Action, ActionUpdate, Decision, Forum, Member
from deliberation.selectors import meetings as meeting_selectors
from deliberation.selectors import record as record_selectors
from deliberation.services import actions as action_services
from deliberation.services.proposals import PhotoInput
from deliberation.views.common import Done, Posted, handle_post

FILTER_KEYS = ("meeting", "status", "since", "until")
# Decisions a page of the log shows: a forum's log grows to thousands; the exports
# still give every decision the filters select.
LOG_PAGE_SIZE = 25


@dataclass(frozen=True)
class Reader:
    """Who is reading the record: a member of the forum, a signed-in facilitator, or both."""

    principal: identity.Principal
    facilitator: bool

    @property
    def member(self) -> Member | None:
        """Return the reader's forum member (by login or personal link, never by a join)."""
        return self.principal.member

    def may(self, rule: str, target: object) -> bool:
        return self.facilitator or permissions.can(rule, self.principal, target)


def record_forum(slug: str) -> Forum:
    """Return the forum with this short name, or 404."""
    return get_object_or_404(Forum, slug=slug)


def reader(request: HttpRequest, forum: Forum) -> Reader:
    """Return who this browser is in the forum; refuse (403) anyone outside it.

    A name picked at a meeting is not enough: the record needs a login or a personal link.
    """
    principal = identity.principal_for_request(request, forum=forum)
    facilitator = permissions.can("forum.facilitate", principal, forum)
    if not facilitator and not permissions.can("decision.read", principal, forum):
        raise PermissionDenied
    return Reader(principal, facilitator)


# -- shaping a decision for the page and the exports -----------------------------------


def _group_counts(counts: Mapping[str, int]) -> list[dict[str, object]]:
    return [
        {
            "key": key,
            "label": display.group_label(key),
            "symbol": display.GROUP_SYMBOLS[key],
            "count": counts.get(key),
        }
        for key in methods.CONSTITUENCIES
    ]


def decision_summary(decision: Decision) -> dict[str, Any]:
    """Describe a decision from decision_log: what the log page, CSV and JSON all show."""
    result = decision.result or {}
    outcome = result.get("outcome") or {}
    labels = {o.key: o.label for o in decision.poll.options.all()} if decision.poll else {}
    winner = outcome.get("winner") or ""
    passed = outcome.get("passed")
    by_group = result.get("by_constituency") or {}
    meeting = decision.meeting
    when = (meeting.starts_at or meeting.created_at) if meeting else None
    status = record_selectors.decision_status(decision)
    return {
        "id": decision.pk,
        "recorded_at": timezone.localtime(decision.recorded_at),
        "meeting": meeting,
        "meeting_date": timezone.localtime(when).date() if when else None,
        "agenda_item": decision.agenda_item.title if decision.agenda_item else "",
        "outcome": decision.outcome,
        "outcome_easy_read": decision.outcome_easy_read,
        "rationale": decision.rationale,
        "method": decision.method,
        "method_label": display.method_label(decision.method),
        "weighting": decision.weighting,
        "weighting_label": str(display.WEIGHTINGS.get(decision.weighting, "")),
        "question": decision.poll.question if decision.poll else "",
        "passed": passed,
        "winner": str(display.CHOICES.get(winner, labels.get(winner, winner))),
        "voters": result.get("voters"),
        "voters_by_group": {
            c: (by_group.get(c) or {}).get("voters") for c in methods.CONSTITUENCIES
        },
        "present_by_group": {c: decision.attendance.get(c, 0) for c in methods.CONSTITUENCIES},
        "status": status,
        "status_label": str(display.DECISION_STATUSES[status]),
        "status_symbol": display.DECISION_STATUS_SYMBOLS[status],
        "actions": decision.actions_total,  # type: ignore[attr-defined]
        "actions_done": decision.actions_done,  # type: ignore[attr-defined]
        "actions_overdue": decision.actions_overdue,  # type: ignore[attr-defined]
        "recorded_by": decision.recorded_by.name if decision.recorded_by else "",
        "ballot_root": decision.poll.ballot_root if decision.poll else "",
        "audit_hash": decision.audit_hash,
    }


def log_filters(
    request: HttpRequest, forum: Forum
) -> tuple[DecisionLogFilterForm, QuerySet[Decision]]:
    """Read the log's filters from the address; the page and the exports share them."""
    bound = any(request.GET.get(key) for key in FILTER_KEYS)
    form = DecisionLogFilterForm(request.GET if bound else None, forum=forum)
    return form, record_selectors.decision_log(forum, **form.filters())


def _filter_query(request: HttpRequest) -> str:
    query = request.GET.copy()
    for key in list(query):
        if key not in FILTER_KEYS or not query.get(key):
            del query[key]
    return query.urlencode()


def audit_head(forum: Forum) -> dict[str, str | int]:
    """Return the forum's chain head as stored now: its hash and the number of events."""
    head, seq = Forum.objects.values_list("audit_head", "audit_seq").get(pk=forum.pk)
    return {"hash": head, "seq": seq}


# -- pages -----------------------------------------------------------------------------


@require_GET
def decision_log(request: HttpRequest, slug: str) -> HttpResponse:
    """List the forum's decisions with what happened since; filter, export, check."""
    forum = record_forum(slug)
    who = reader(request, forum)
    form, decisions = log_filters(request, forum)
    page = Paginator(decisions.prefetch_related("poll__options"), LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [decision_summary(d) for d in page.object_list]
    return render(
        request,
        "deliberation/record/log.html",
        {
            "forum": forum,
            "reader": who,
            "tab": "log",
            "form": form,
            "rows": rows,
            "page": page,
            # The log is newest first and numbered down to 1: where this page starts.
            "first_number": page.paginator.count - page.start_index() + 1,
            "query": _filter_query(request),
            "filtered": form.is_bound,
            "head": audit_head(forum),
            "groups": _group_counts({}),
        },
    )


def _action_rows(actions: Iterable[Action], who: Reader) -> list[dict[str, object]]:
    today = timezone.localdate()
    rows = []
    for action in actions:
        rows.append(
            {
                "action": action,
                "status_label": display.ACTION_STATUSES[action.status],
                "status_symbol": display.ACTION_SYMBOLS[action.status],
                "overdue": action.is_overdue(today),
                "updates": [
                    {
                        "update": u,
                        "before": display.ACTION_STATUSES[u.status_before],
                        "after": display.ACTION_STATUSES[u.status_after],
                    }
                    for u in action.updates.all()
                ],
                "may_report": who.may("action.report", action) or who.may("action.manage", action),
                "may_manage": who.may("action.manage", action),
            }
        )
    return rows


def _decision_page(
    request: HttpRequest,
    forum: Forum,
    who: Reader,
    decision_id: int,
    *,
    action_form: ActionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    try:
        decision = record_selectors.decision_page(forum, decision_id)
    except Decision.DoesNotExist as exc:
        raise Http404 from exc
    results = None
    seal = None
    check = None
    code_form = ReceiptCheckForm(request.GET if "code" in request.GET else None)
    poll = decision.poll
    if poll is not None:
        poll_view = meeting_selectors.poll_dict(poll, result=decision.result)
        results = display.build_results(poll_view) if decision.result else None
        closing = audit.closing_event(poll)
        seal = {
            "root": poll.ballot_root,
            "count": closing.payload.get("ballot_count") if closing else None,
            "event": closing.seq if closing else None,
        }
        if code_form.is_bound and code_form.is_valid():
            check = audit.check_receipt(poll, code_form.cleaned_data["code"])
    check_backs = []
    for asked in decision.check_backs.all():
        view = meeting_selectors.poll_dict(asked)
        check_backs.append(
            {"poll": asked, "results": display.build_results(view) if asked.is_closed else None}
        )
    held = decision.meeting
    summary = {
        # A decision is dated by its meeting, not by when it was typed in.
        "meeting_date": timezone.localtime(held.starts_at or held.created_at).date()
        if held
        else None,
        "method_label": display.method_label(decision.method),
        "weighting_label": display.WEIGHTINGS.get(decision.weighting, ""),
        "present": _group_counts(decision.attendance),
    }
    if action_form is None and who.may("action.manage", decision):
        action_form = ActionForm(
            forum=forum,
            decisions=Decision.objects.filter(pk=decision.pk),
            initial={"decision": decision.pk},
        )
    return render(
        request,
        "deliberation/record/decision.html",
        {
            "forum": forum,
            "reader": who,
            "decision": decision,
            "summary": summary,
            "results": results,
            "seal": seal,
            "code_form": code_form,
            "check": check,
            "check_backs": check_backs,
            "proposals": [link.proposal for link in poll.proposal_links.all()] if poll else [],
            "actions": _action_rows(decision.actions.all(), who),
            "action_form": action_form,
            "action_form_open": action_form is not None and action_form.is_bound,
        },
        status=status,
    )


@require_GET
def decision_detail(request: HttpRequest, slug: str, decision_id: int) -> HttpResponse:
    """Show one decision: how it was made, who was there, the result, and what happened."""
    forum = record_forum(slug)
    return _decision_page(request, forum, reader(request, forum), decision_id)


@require_POST
def action_new(request: HttpRequest, slug: str, decision_id: int) -> HttpResponse:
    """Add an action to a decision (facilitators); a form with mistakes is shown again."""
    forum = record_forum(slug)
    who = reader(request, forum)
    decision = get_object_or_404(Decision, pk=decision_id, forum=forum)
    if not who.may("action.manage", decision):
        raise PermissionDenied
    form = ActionForm(request.POST, forum=forum, decisions=Decision.objects.filter(pk=decision.pk))

    def add(data: dict[str, Any]) -> Done:
        action_services.action_create(
            decision=decision,
            description=data["description"],
            due_on=data["due_on"],
            owner=data["owner"],
            owner_name=data["owner_name"],
            created_by=who.member,
            actor=request.user if who.facilitator else who.member,
            principal=who.principal,
        )
        url = reverse("deliberation:decision", args=[forum.slug, decision.pk])
        return _("The action is added."), f"{url}#actions"

    posted = handle_post(request, form, add, error_on_form=True)
    return posted.response or _decision_page(
        request, forum, who, decision.pk, action_form=form, status=posted.status
    )


def _action(forum: Forum, action_id: int) -> Action:
    return get_object_or_404(
        Action.objects.select_related("decision", "decision__meeting", "owner"),
        pk=action_id,
        forum=forum,
    )


@require_http_methods(["GET", "POST"])
def action_detail(request: HttpRequest, slug: str, action_id: int) -> HttpResponse:
    """Show an action and its progress; its owner or a facilitator adds an update."""
    forum = record_forum(slug)
    who = reader(request, forum)
    action = _action(forum, action_id)
    may_manage = who.may("action.manage", action)
    may_report = may_manage or who.may("action.report", action)
    form = None
    if may_report:
        form = ActionProgressForm(
            request.POST or None,
            request.FILES or None,
            action=action,
            may_manage=may_manage,
        )
    if request.method == "POST" and form is None:
        raise PermissionDenied

    def report(data: dict[str, Any]) -> Done:
        new_status = data["status"] or None
        if not who.may(permissions.action_change_rule(action, new_status), action):
            raise PermissionDenied
        photo = None
        if data.get("photo"):
            photo = PhotoInput(data["photo"], data["photo_description"], size=data["photo"].size)
        action_services.action_progress_add(
            action=action,
            note=data["note"],
            status=new_status,
            what_helped=data["what_helped"],
            what_got_in_the_way=data["what_got_in_the_way"],
            photo=photo,
            author=who.member,
            actor=request.user if who.facilitator else who.member,
            principal=who.principal,
        )
        url = reverse("deliberation:action", args=[forum.slug, action.pk])
        return _("Thank you. The news is saved."), url

    posted = (
        handle_post(request, form, report, error_on_form=True) if form is not None else Posted()
    )
    if posted.response:
        return posted.response
    rows = _action_rows([action], who)
    return render(
        request,
        "deliberation/record/action.html",
        {
            "forum": forum,
            "reader": who,
            "action": action,
            "row": rows[0],
            "form": form,
            "may_manage": may_manage,
        },
        status=posted.status,
    )


@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, slug: str, action_id: int) -> HttpResponse:
    """Correct an action's words, owner or date (facilitators)."""
    forum = record_forum(slug)
    who = reader(request, forum)
    action = _action(forum, action_id)
    if not who.may("action.manage", action):
        raise PermissionDenied
    decisions = Decision.objects.filter(pk=action.decision_id)
    initial = {
        "decision": action.decision_id,
        "description": action.description,
        "owner": action.owner_id,
        "owner_name": "" if action.owner_id else action.owner_name,
        "due_on": action.due_on,
    }
    form = ActionForm(request.POST or None, forum=forum, decisions=decisions, initial=initial)

    def edit(data: dict[str, Any]) -> Done:
        action_services.action_edit(
            action=action,
            description=data["description"],
            due_on=data["due_on"],
            owner=data["owner"],
            owner_name=data["owner_name"],
            actor=request.user if who.facilitator else who.member,
            principal=who.principal,
        )
        return _("The changes are saved."), reverse(
            "deliberation:action", args=[forum.slug, action.pk]
        )

    posted = handle_post(request, form, edit, error_on_form=True)
    return posted.response or render(
        request,
        "deliberation/record/action_edit.html",
        {"forum": forum, "reader": who, "action": action, "form": form},
        status=posted.status,
    )


@require_GET
def action_photo(request: HttpRequest, slug: str, update_id: int) -> FileResponse:
    """Send a progress photo to members of the forum only."""
    forum = record_forum(slug)
    reader(request, forum)
    update = get_object_or_404(ActionUpdate, pk=update_id, action__forum=forum)
    if not update.photo:
        raise Http404
    try:
        handle = update.photo.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(update.photo.name or "")[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
