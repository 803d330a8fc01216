"""Pages of the proposal threads between meetings, and of forum votes between meetings.

Participants have no account: their personal invite link tells this browser who they
are in the forum (identity.remember_forum_member); facilitators sign in. Every action
is a plain HTML form that calls one service.
"""

import secrets
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deliberation import display, identity, markdown, permissions, selectors
from deliberation.exceptions import DomainError
from deliberation.forms import (
    PROPOSAL_SYMBOLS,
    BallotForm,
    CommentForm,
    CountInForm,
    ForumPollForm,
    NotifyForm,
    PhotoForm,
    ProposalFilterForm,
    ProposalForm,
    ReasonForm,
    ScheduleForm,
    StatusForm,
    answer_initial,
)
from deliberation.models import (
    Ballot,
    Comment,
    Forum,
    Member,
    NotificationPreference,
    NotifyFrequency,
    Poll,
    Proposal,
    ProposalPhoto,
    ProposalStatus,
)
from deliberation.services import forum_polls as forum_poll_services
from deliberation.services import notifications
from deliberation.services import proposals as services
from deliberation.services.polls import ballot_cast
from deliberation.views import easyread

PAGE_SIZE = 20
COMMENT_PAGE_SIZE = 30


# -- who is here -----------------------------------------------------------------------


def _forum(slug: str) -> Forum:
    return get_object_or_404(Forum, slug=slug)


def viewer(request: HttpRequest, forum: Forum) -> identity.Principal:
    """Return who is asking in the forum; refuse (403) anyone outside it.

    The forum member comes from a login or a personal link (identity.Principal.member),
    never from a name picked at a meeting; with it, every rule and service is given this
    principal.
    """
    principal = identity.principal_for_request(request, forum=forum)
    if not permissions.can("proposal.read", principal, forum):
        raise PermissionDenied
    return principal


def _member(who: identity.Principal) -> Member:
    """Return the forum member of a principal that viewer() let in."""
    assert who.member is not None
    return who.member


def _first_error(form: Any) -> str:
    for errors in form.errors.values():
        for error in errors:
            return str(error)
    return _("Please check the form.")


def _tabs(forum: Forum, who: identity.Principal, current: str) -> dict[str, Any]:
    return {
        "forum": forum,
        "me": _member(who),
        "me_group": display.group_label(_member(who).constituency),
        "tab": current,
        "is_lead": permissions.can("proposal.change_status", who, forum),
        "can_write": permissions.can("proposal.create", who, forum),
    }


def _symbols(selected: str = "") -> list[dict[str, Any]]:
    return [
        {"key": key, "label": str(label), "checked": key == selected}
        for key, label in PROPOSAL_SYMBOLS.items()
    ]


def _status_label(status: str) -> str:
    return str(ProposalStatus(status).label)


def _word_checks(forum: Forum, title: Any, summary: Any) -> list[dict[str, Any]]:
    """Check a proposal's easy-read title and summary (advice only; it never stops saving)."""
    return easyread.text_checks(
        forum=forum,
        language=easyread.page_language(),
        title=str(title or ""),
        summary=str(summary or ""),
    )


# -- the list --------------------------------------------------------------------------


@require_GET
def proposal_list(request: HttpRequest, slug: str) -> HttpResponse:
    """List a forum's proposals: filter by status, picture and group; search; pages."""
    forum = _forum(slug)
    who = viewer(request, forum)
    form = ProposalFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    proposals = selectors.proposal_list(
        forum,
        status=filters.get("status", ""),
        symbol=filters.get("symbol", ""),
        constituency=filters.get("constituency", ""),
        q=filters.get("q", ""),
    )
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "p": p,
            "status_label": _status_label(p.status),
            "group": display.group_label(p.author_constituency),
            "support": [
                {
                    "key": c,
                    "label": display.group_label(c),
                    "symbol": display.GROUP_SYMBOLS[c],
                    "n": getattr(p, f"support_{c}"),
                }
                for c in display.GROUPS
            ],
        }
        for p in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "deliberation/proposals/list.html",
        {
            **_tabs(forum, who, "proposals"),
            "form": form,
            "rows": rows,
            "page": page,
            "query": query.urlencode(),
            "filtered": bool(filters and any(filters.values())),
        },
    )


# -- proposing -------------------------------------------------------------------------


def _photo_input(form: PhotoForm) -> list[services.PhotoInput]:
    photo = form.cleaned_data.get("photo")
    if not photo:
        return []
    return [
        services.PhotoInput(
            file=photo, description=form.cleaned_data["photo_description"], size=photo.size
        )
    ]


@require_http_methods(["GET", "POST"])
def proposal_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Propose a priority: title, summary, picture, more words, a photo; preview without JS."""
    forum = _forum(slug)
    who = viewer(request, forum)
    if not permissions.can("proposal.create", who, forum):
        raise PermissionDenied
    form = ProposalForm(request.POST or None)
    photo_form = PhotoForm(request.POST or None, request.FILES or None)
    preview = None
    status = 200
    error = ""
    if request.method == "POST":
        if form.is_valid() and "preview" in request.POST:
            preview = markdown.render(form.cleaned_data["body"])
        elif form.is_valid() and photo_form.is_valid():
            data = form.cleaned_data
            try:
                proposal = services.proposal_create(
                    forum=forum,
                    author=_member(who),
                    title=data["title"],
                    summary=data["summary"],
                    symbol=data["symbol"],
                    body=data["body"],
                    photos=_photo_input(photo_form),
                    actor=request.user if request.user.is_authenticated else _member(who),
                    principal=who,
                )
            except DomainError as exc:
                error = exc.message
                status = 400
            else:
                messages.success(request, _("Thank you. Your idea is saved."))
                return redirect("deliberation:proposal", slug=forum.slug, pk=proposal.pk)
        else:
            error = _first_error(form) if form.errors else _first_error(photo_form)
            status = 400
    return render(
        request,
        "deliberation/proposals/form.html",
        {
            **_tabs(forum, who, "new"),
            "form": form,
            "photo_form": photo_form,
            "symbols": _symbols(form["symbol"].value() or ""),
            "preview": preview,
            "error": error,
            "proposal": None,
            "checks": _word_checks(forum, form["title"].value(), form["summary"].value())
            if request.method == "POST"
            else [],
        },
        status=status,
    )


def _proposal(forum: Forum, pk: int) -> Proposal:
    return get_object_or_404(
        Proposal.objects.select_related("author", "hidden_by", "forum"), pk=pk, forum=forum
    )


@require_http_methods(["GET", "POST"])
def proposal_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Change a proposal's words (its author while open; a facilitator)."""
    forum = _forum(slug)
    who = viewer(request, forum)
    proposal = _proposal(forum, pk)
    if not permissions.can("proposal.edit", who, proposal):
        raise PermissionDenied
    initial = {
        "title": proposal.title,
        "summary": proposal.summary,
        "symbol": proposal.symbol,
        "body": proposal.body,
    }
    form = ProposalForm(request.POST or None, initial=initial)
    preview = None
    status = 200
    error = ""
    if request.method == "POST":
        if form.is_valid() and "preview" in request.POST:
            preview = markdown.render(form.cleaned_data["body"])
        elif form.is_valid():
            try:
                services.proposal_edit(
                    proposal=proposal, editor=_member(who), **form.cleaned_data, principal=who
                )
            except DomainError as exc:
                error = exc.message
                status = 400
            else:
                messages.success(request, _("The changes are saved."))
                return redirect("deliberation:proposal", slug=forum.slug, pk=proposal.pk)
        else:
            error = _first_error(form)
            status = 400
    return render(
        request,
        "deliberation/proposals/form.html",
        {
            **_tabs(forum, who, "proposals"),
            "form": form,
            "photo_form": None,
            "symbols": _symbols(form["symbol"].value() or ""),
            "preview": preview,
            "error": error,
            "proposal": proposal,
            "checks": _word_checks(forum, form["title"].value(), form["summary"].value())
            if request.method == "POST"
            else [],
        },
        status=status,
    )


# -- one proposal ------------------------------------------------------------------------


def _comment_view(
    comment: Comment, who: identity.Principal, now: Any, is_lead: bool
) -> dict[str, Any]:
    return {
        "c": comment,
        "group": display.group_label(comment.author.constituency) if comment.author else "",
        "html": markdown.stored(comment.body_html) if not comment.is_hidden else "",
        "revisions": [
            {"r": r, "html": markdown.stored(r.body_html)} for r in comment.revisions.all()
        ]
        if is_lead
        else [],
        "edited": comment.edited_at is not None,
        "can_edit": not comment.is_hidden
        and comment.author_id == _member(who).pk
        and now - comment.created_at <= services.COMMENT_EDIT_WINDOW
        and permissions.can("proposal.comment", who, comment.proposal),
    }


def _timeline(proposal: Proposal, links: list[Any]) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for event in selectors.proposal_timeline(proposal):
        entries.append(
            {
                "at": event.created_at,
                "kind": event.kind,
                "label": event.get_kind_display(),
                "actor": event.actor.name if event.actor else "",
                "reason": event.reason,
                "from": _status_label(event.status_from) if event.status_from else "",
                "to": _status_label(event.status_to) if event.status_to else "",
                "meeting": event.meeting,
                "poll": event.poll,
            }
        )
    for link in links:
        poll = link.poll
        if poll.is_closed and poll.closed_at:
            outcome = services.outcome_for(link, poll.result)
            entries.append(
                {
                    "at": poll.closed_at,
                    "kind": "result",
                    "label": _("Vote result"),
                    "poll": poll,
                    "meeting": poll.meeting,
                    "outcome": outcome,
                    "voters": (poll.result or {}).get("voters", 0),
                    "remote": (poll.result or {}).get("voters_by_source", {}).get("remote", 0),
                    "reasons": [_(r) for r in outcome.get("reasons", [])],
                }
            )
    entries.sort(key=lambda e: e["at"])
    return entries


def _proposal_page(
    request: HttpRequest,
    forum: Forum,
    who: identity.Principal,
    proposal: Proposal,
    *,
    error: str = "",
    status: int = 200,
    bound: dict[str, Any] | None = None,
) -> HttpResponse:
    bound = bound or {}
    is_lead = permissions.can("proposal.hide", who, proposal)
    now = timezone.now()
    comments_page = Paginator(selectors.proposal_comments(proposal), COMMENT_PAGE_SIZE).get_page(
        request.GET.get("comments")
    )
    threads = [
        {
            **_comment_view(c, who, now, is_lead),
            "replies": [_comment_view(r, who, now, is_lead) for r in c.replies.all()],
        }
        for c in comments_page.object_list
    ]
    support = selectors.support_by_constituency(proposal)
    links = selectors.proposal_polls(proposal)
    finished = proposal.status in services.FINISHED
    photos = list(proposal.photos.all())
    can_write = permissions.can("proposal.comment", who, proposal) and not finished
    context = {
        **_tabs(forum, who, "proposals"),
        "proposal": proposal,
        "status_label": _status_label(proposal.status),
        "author_group": display.group_label(proposal.author_constituency),
        "body_html": markdown.stored(proposal.body_html),
        "photos": photos,
        "support": [
            {
                "key": c,
                "label": display.group_label(c),
                "symbol": display.GROUP_SYMBOLS[c],
                "n": support[c],
            }
            for c in display.GROUPS
        ],
        "support_total": sum(support.values()),
        "endorsed": proposal.endorsements.filter(member=_member(who)).exists(),
        "can_endorse": permissions.can("proposal.endorse", who, proposal)
        and not finished
        and not proposal.is_hidden,
        "can_comment": can_write and not proposal.is_hidden,
        "can_edit": permissions.can("proposal.edit", who, proposal)
        and not finished
        and (is_lead or proposal.status == ProposalStatus.OPEN),
        "can_add_photo": permissions.can("proposal.photo", who, proposal)
        and not finished
        and len(photos) < services.MAX_PHOTOS,
        "can_withdraw": permissions.can("proposal.withdraw", who, proposal)
        and proposal.status in services.WITHDRAWABLE,
        "is_lead": is_lead,
        "next_statuses": [
            {"key": s, "label": _status_label(s)}
            for s in ProposalStatus.values
            if s in services.TRANSITIONS[proposal.status]
        ],
        "threads": threads,
        "comments_page": comments_page,
        "timeline": _timeline(proposal, links),
        "votes": [
            {
                "link": link,
                "poll": link.poll,
                "forum_vote": link.poll.meeting_id is None,
                "schedule": getattr(link.poll, "schedule", None),
            }
            for link in links
        ],
        "comment_form": bound.get("comment") or CommentForm(),
        "photo_form": bound.get("photo") or PhotoForm(),
        "bound_action": bound.get("action", ""),
        "bound_reason": bound.get("reason", ""),
        "error": error,
    }
    # Whoever may change the words sees the easy-read advice on them, right after saving.
    context["checks"] = (
        _word_checks(forum, proposal.title, proposal.summary) if context["can_edit"] else []
    )
    return render(request, "deliberation/proposals/detail.html", context, status=status)


@require_GET
def proposal_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Show a proposal: words, photos, support by group, timeline and comments."""
    forum = _forum(slug)
    who = viewer(request, forum)
    return _proposal_page(request, forum, who, _proposal(forum, pk))


def _comment_in(proposal: Proposal, comment_id: Any) -> Comment:
    try:
        return Comment.objects.select_related("proposal").get(pk=int(comment_id), proposal=proposal)
    except (TypeError, ValueError, Comment.DoesNotExist) as exc:
        raise Http404 from exc


class _Invalid(Exception):
    def __init__(self, message: str, **bound: Any) -> None:
        super().__init__(message)
        self.message = message
        self.bound = bound


def _reason(request: HttpRequest, action: str) -> ReasonForm:
    form = ReasonForm(request.POST)
    if not form.is_valid():
        raise _Invalid(_first_error(form), action=action)
    return form


def do_endorse(request: HttpRequest, who: identity.Principal, proposal: Proposal) -> str:
    services.proposal_endorse(proposal=proposal, member=_member(who), principal=who)
    return _("Thank you. Your support is counted.")


def do_comment(request: HttpRequest, who: identity.Principal, proposal: Proposal) -> str:
    form = CommentForm(request.POST)
    if not form.is_valid():
        raise _Invalid(_first_error(form), comment=form, action="comment")
    parent_id = form.cleaned_data.get("parent")
    parent = _comment_in(proposal, parent_id) if parent_id else None
    comment = services.comment_add(
        proposal=proposal,
        author=_member(who),
        body=form.cleaned_data["body"],
        parent=parent,
        principal=who,
    )
    request._coprod_anchor = f"comment-{comment.pk}"  # type: ignore[attr-defined]
    return _("Your comment is saved.")


def do_photo(request: HttpRequest, who: identity.Principal, proposal: Proposal) -> str:
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid() or not form.cleaned_data.get("photo"):
        if form.is_valid():
            form.add_error("photo", _("Please choose a photo."))
        raise _Invalid(_first_error(form), photo=form, action="photo")
    services.proposal_photo_add(
        proposal=proposal, photo=_photo_input(form)[0], added_by=_member(who), principal=who
    )
    return _("The photo is added.")


def do_hide(request: HttpRequest, who: identity.Principal, proposal: Proposal) -> str:
    form = _reason(request, "hide")
    comment_id = form.cleaned_data.get("comment")
    if comment_id:
        comment = _comment_in(proposal, comment_id)
        services.comment_hide(
            comment=comment, by=_member(who), reason=form.cleaned_data["reason"], principal=who
        )
        return _("The comment is hidden. People see your reason instead.")
    services.proposal_hide(
        proposal=proposal, by=_member(who), reason=form.cleaned_data["reason"], principal=who
    )
    return _("The proposal is hidden. People see your reason instead.")


def do_unhide(request: HttpRequest, who: identity.Principal, proposal: Proposal) -> str:
    comment_id = request.POST.get("comment")
    if comment_id:
        services.comment_unhide(
            comment=_comment_in(proposal, comment_id), by=_member(who), principal=who
        )
        return _("The comment is shown again.")
    services.proposal_unhide(proposal=proposal, by=_member(who), principal=who)
    return _("The proposal is shown again.")


def do_status(request: HttpRequest, who: identity.Principal, proposal: Proposal) -> str:
    form = StatusForm(request.POST)
    if not form.is_valid():
        raise _Invalid(_first_error(form), action="status", reason=request.POST.get("reason", ""))
    services.proposal_status_change(
        proposal=proposal,
        to=form.cleaned_data["to"],
        reason=form.cleaned_data["reason"],
        by=_member(who),
        principal=who,
    )
    return _("The proposal has moved on. The reason is on its timeline.")


def do_withdraw(request: HttpRequest, who: identity.Principal, proposal: Proposal) -> str:
    form = _reason(request, "withdraw")
    services.proposal_withdraw(
        proposal=proposal, by=_member(who), reason=form.cleaned_data["reason"], principal=who
    )
    return _("You have taken back your proposal.")


ACTIONS: dict[str, Callable[[HttpRequest, identity.Principal, Proposal], str]] = {
    "endorse": do_endorse,
    "comment": do_comment,
    "photo": do_photo,
    "hide": do_hide,
    "unhide": do_unhide,
    "status": do_status,
    "withdraw": do_withdraw,
}


@require_POST
def proposal_action(request: HttpRequest, slug: str, pk: int, action: str) -> HttpResponse:
    """Do one thing to a proposal through its service, then show the proposal again."""
    forum = _forum(slug)
    who = viewer(request, forum)
    proposal = _proposal(forum, pk)
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404
    try:
        message = handler(request, who, proposal)
    except _Invalid as exc:
        return _proposal_page(
            request, forum, who, proposal, error=exc.message, status=400, bound=exc.bound
        )
    except DomainError as exc:
        status = 403 if exc.code == "not_allowed" else 400
        proposal = _proposal(forum, pk)
        return _proposal_page(request, forum, who, proposal, error=exc.message, status=status)
    messages.success(request, message)
    url = reverse("deliberation:proposal", args=[forum.slug, proposal.pk])
    anchor = getattr(request, "_coprod_anchor", action)
    return redirect(f"{url}#{anchor}")


@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, slug: str, comment_id: int) -> HttpResponse:
    """Change one's own comment for a short while after writing it."""
    forum = _forum(slug)
    who = viewer(request, forum)
    comment = get_object_or_404(
        Comment.objects.select_related("proposal"), pk=comment_id, proposal__forum=forum
    )
    if not permissions.can("comment.edit", who, comment):
        raise PermissionDenied
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    error = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.comment_edit(
                    comment=comment,
                    editor=_member(who),
                    body=form.cleaned_data["body"],
                    principal=who,
                )
            except DomainError as exc:
                error = exc.message
                status = 400
            else:
                messages.success(request, _("Your comment is changed."))
                url = reverse("deliberation:proposal", args=[forum.slug, comment.proposal_id])
                return redirect(f"{url}#comment-{comment.pk}")
        else:
            error = _first_error(form)
            status = 400
    return render(
        request,
        "deliberation/proposals/comment_edit.html",
        {**_tabs(forum, who, "proposals"), "comment": comment, "form": form, "error": error},
        status=status,
    )


@require_GET
def proposal_photo(request: HttpRequest, slug: str, photo_id: int) -> FileResponse:
    """Send a proposal's photo to members of the forum only."""
    forum = _forum(slug)
    who = viewer(request, forum)
    photo = get_object_or_404(ProposalPhoto, pk=photo_id, proposal__forum=forum)
    if photo.proposal.is_hidden and not permissions.can("proposal.hide", who, photo.proposal):
        raise Http404
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=_content_type(photo.image.name or ""))
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


def _content_type(name: str) -> str:
    extension = name.rsplit(".", 1)[-1].lower()
    return {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}.get(
        extension, "application/octet-stream"
    )


# -- putting proposals on a meeting's agenda ----------------------------------------------


@require_http_methods(["GET", "POST"])
def proposals_schedule(request: HttpRequest, slug: str) -> HttpResponse:
    """Put shortlisted proposals on a meeting's agenda as the options of a new vote."""
    forum = _forum(slug)
    who = viewer(request, forum)
    if not permissions.can("proposal.change_status", who, forum):
        raise PermissionDenied
    form = ScheduleForm(request.POST or None, forum=forum, initial={"method": "dots"})
    error = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                scheduled = services.proposals_schedule(
                    proposals=list(data["proposals"]),
                    meeting=data["meeting"],
                    by=_member(who),
                    method=data["method"],
                    question=data["question"],
                    dots=(data["dots"] or 3) if data["method"] == "dots" else 0,
                    actor=request.user if request.user.is_authenticated else _member(who),
                    principal=who,
                )
            except DomainError as exc:
                error = exc.message
                status = 400
            else:
                messages.success(
                    request,
                    _("The proposals are on the agenda of %(meeting)s, with a vote ready.")
                    % {"meeting": data["meeting"].title},
                )
                if permissions.can("forum.facilitate", who, forum):
                    url = reverse("deliberation:console", args=[forum.slug, data["meeting"].pk])
                    return redirect(f"{url}#poll-{scheduled.poll.pk}")
                return redirect("deliberation:proposals", slug=forum.slug)
        else:
            error = _first_error(form)
            status = 400
    return render(
        request,
        "deliberation/proposals/schedule.html",
        {**_tabs(forum, who, "schedule"), "form": form, "error": error},
        status=status,
    )


# -- emails ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def notify(request: HttpRequest, slug: str) -> HttpResponse:
    """Choose how to hear about new ideas and comments: no emails, each one, or daily."""
    forum = _forum(slug)
    who = viewer(request, forum)
    current = NotificationPreference.objects.filter(member=_member(who)).first()
    initial = {
        "frequency": current.frequency if current else NotifyFrequency.NONE,
        "email": current.email if current else "",
    }
    form = NotifyForm(request.POST or None, initial=initial)
    error = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                notifications.notification_preference_set(
                    member=_member(who),
                    frequency=form.cleaned_data["frequency"],
                    email=form.cleaned_data["email"],
                )
            except DomainError as exc:
                error = exc.message
                status = 400
            else:
                messages.success(request, _("Your choice is saved."))
                return redirect("deliberation:notify", slug=forum.slug)
        else:
            error = _first_error(form)
            status = 400
    choices = [
        {
            "key": key,
            "label": label,
            "checked": (form["frequency"].value() or "") == key,
            "symbol": {"none": "no", "each": "speaker", "daily": "date"}[key],
        }
        for key, label in NotifyFrequency.choices
    ]
    return render(
        request,
        "deliberation/proposals/notify.html",
        {**_tabs(forum, who, "notify"), "form": form, "choices": choices, "error": error},
        status=status,
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Stop emails from a signed link, without logging in.

    GET asks with one button (so a mail scanner that follows links changes nothing);
    POST stops the emails. POST is exempt from CSRF because mail programs send the
    RFC 8058 one-click POST themselves; the signed token is what proves the right.
    """
    try:
        member = notifications.member_for_unsubscribe(token)
    except DomainError as exc:
        return render(
            request, "deliberation/proposals/unsubscribe.html", {"error": exc.message}, status=400
        )
    done = False
    if request.method == "POST":
        notifications.notification_unsubscribe(token=token)
        done = True
    return render(
        request,
        "deliberation/proposals/unsubscribe.html",
        {"member": member, "forum": member.forum, "done": done},
    )


@require_POST
def forget_me(request: HttpRequest, slug: str) -> HttpResponse:
    """Make this browser forget who it is in the forum (for a shared computer)."""
    forum = _forum(slug)
    identity.forget_forum_member(request.session, forum.pk)
    messages.success(request, _("This browser has forgotten you. Use your card to come back."))
    return redirect("deliberation:home")


# -- the markdownx live preview ------------------------------------------------------------


@require_POST
def markdown_preview(request: HttpRequest) -> HttpResponse:
    """Render the editor's live preview, sanitised, for someone known to a forum."""
    known = request.user.is_authenticated or bool(
        request.session.get(identity.SESSION_FORUM_MEMBERS)
    )
    if not known:
        raise PermissionDenied
    return HttpResponse(markdown.render(request.POST.get("content", "")))


@require_POST
def markdown_upload_refused(request: HttpRequest) -> JsonResponse:
    """Refuse markdownx's drag-and-drop upload: photos go through the proposal form."""
    return JsonResponse(
        {"image": [_("Please add photos with the photo button below the text.")]}, status=403
    )


# -- votes between meetings ----------------------------------------------------------------


def _lead(request: HttpRequest, forum: Forum) -> identity.Principal:
    who = viewer(request, forum)
    if not permissions.can("forum_poll.manage", who, forum):
        raise PermissionDenied
    return who


@require_GET
def forum_poll_list(request: HttpRequest, slug: str) -> HttpResponse:
    """List the forum's votes between meetings."""
    forum = _forum(slug)
    who = viewer(request, forum)
    forum_poll_services.forum_polls_tick()
    polls = list(selectors.forum_polls(forum))
    return render(
        request,
        "deliberation/proposals/forum_polls.html",
        {**_tabs(forum, who, "votes"), "polls": polls, "now": timezone.now()},
    )


@require_http_methods(["GET", "POST"])
def forum_poll_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Start a vote between meetings, for people who cannot come to the meeting."""
    forum = _forum(slug)
    who = _lead(request, forum)
    form = ForumPollForm(request.POST or None, forum=forum)
    error = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                poll = forum_poll_services.forum_poll_create(
                    forum=forum,
                    by=_member(who),
                    opens_at=data["opens_at"],
                    closes_at=data["closes_at"],
                    question=data["question"],
                    method=data["method"],
                    options=data["option_inputs"],
                    dots=data["dots"] or (3 if data["method"] == "dots" else 0),
                    secret=data["secret"],
                    mirror_of=data["mirror_of"],
                    actor=request.user if request.user.is_authenticated else _member(who),
                    principal=who,
                )
            except DomainError as exc:
                error = exc.message
                status = 400
            else:
                messages.success(request, _("The vote between meetings is ready."))
                return redirect("deliberation:forum_poll", slug=forum.slug, poll_id=poll.pk)
        else:
            error = _first_error(form)
            status = 400
    return render(
        request,
        "deliberation/proposals/forum_poll_form.html",
        {**_tabs(forum, who, "votes"), "form": form, "error": error},
        status=status,
    )


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
    from deliberation.views.participant import answer_text, vote_fields

    poll_view = selectors.poll_dict(poll)
    if poll.is_open and poll.results_visible:
        poll_view = selectors.poll_dict(poll, result=selectors.compute_result(poll))
    context: dict[str, Any] = {
        **_tabs(forum, who, "votes"),
        "poll": poll,
        "schedule": poll.schedule,  # type: ignore[attr-defined]
        "results": display.build_results(poll_view) if poll.status != "draft" else None,
        "can_vote": permissions.can("poll.vote", who, poll) and poll.is_open,
        "error": error,
    }
    if context["can_vote"]:
        answer = None
        if not poll.secret:
            answer = (
                Ballot.objects.filter(poll=poll, member=_member(who))
                .values_list("answer", flat=True)
                .first()
            )
        if form is None:
            form = BallotForm(poll=poll, initial=answer_initial(poll, answer))
        context["vote"] = vote_fields(poll_view, form)
        context["voted"] = answer is not None or (
            poll.secret and poll.participations.filter(member=_member(who)).exists()
        )
        context["answer_text"] = answer_text(poll_view, answer) if answer else ""
    if context["is_lead"] and poll.is_closed and not poll.schedule.counted_in_id:  # type: ignore[attr-defined]
        context["count_form"] = CountInForm(forum_poll=poll)
    if context["is_lead"] and not poll.is_closed:
        # Advice on the question and written options while they can still be changed.
        context["checks"] = easyread.poll_checks(poll_view, forum=forum)
    response = render(request, "deliberation/proposals/forum_poll.html", context, status=status)
    cookie_name = identity.secret_cookie_name(poll.pk)
    if context["can_vote"] and poll.secret and not request.COOKIES.get(cookie_name):
        # The phone gets its key before it votes, so a vote resent after a lost reply
        # carries it and gets it back (the service checks it matches).
        response.set_cookie(
            cookie_name,
            secrets.token_urlsafe(32),
            max_age=60 * 60 * 24 * 30,
            path="/",
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@require_GET
def forum_poll(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    """Show a vote between meetings: vote while it is open, results as they are allowed."""
    forum = _forum(slug)
    who = viewer(request, forum)
    forum_poll_services.forum_polls_tick()
    return _forum_poll_page(request, forum, who, _forum_poll(forum, poll_id))


@require_POST
def forum_poll_vote(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    """Save a ballot in a vote between meetings (the same service as in a meeting)."""
    forum = _forum(slug)
    who = viewer(request, forum)
    forum_poll_services.forum_polls_tick()
    poll = _forum_poll(forum, poll_id)
    form = BallotForm(request.POST, poll=poll)
    if not form.is_valid():
        return _forum_poll_page(
            request, forum, who, poll, form=form, error=_first_error(form), status=400
        )
    cookie_name = identity.secret_cookie_name(poll.pk)
    try:
        permissions.require("poll.vote", who, poll, _("You cannot vote in this forum."))
        result = ballot_cast(
            poll=poll,
            answer=form.cleaned_data["answer"],
            client_id=form.cleaned_data["client_id"],
            voter=_member(who),
            cast_by=_member(who),
            secret_token=identity.secret_token(request.COOKIES, poll.pk),
        )
    except DomainError as exc:
        status = 403 if exc.code == "not_allowed" else 400
        return _forum_poll_page(
            request, forum, who, poll, form=form, error=exc.message, status=status
        )
    messages.success(request, _("Your vote is saved."))
    response = redirect("deliberation:forum_poll", slug=forum.slug, poll_id=poll.pk)
    if result.secret_token:
        response.set_cookie(
            cookie_name,
            result.secret_token,
            max_age=60 * 60 * 24 * 30,
            path="/",
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@require_POST
def forum_poll_count(request: HttpRequest, slug: str, poll_id: int) -> HttpResponse:
    """Count a closed vote between meetings with a meeting's vote, marked as such."""
    forum = _forum(slug)
    who = _lead(request, forum)
    poll = _forum_poll(forum, poll_id)
    form = CountInForm(request.POST, forum_poll=poll)
    if not form.is_valid():
        return _forum_poll_page(request, forum, who, poll, error=_first_error(form), status=400)
    try:
        counted = forum_poll_services.forum_poll_count_in(
            forum_poll=poll,
            meeting_poll=form.cleaned_data["meeting_poll"],
            by=_member(who),
            principal=who,
        )
    except DomainError as exc:
        return _forum_poll_page(request, forum, who, poll, error=exc.message, status=400)
    messages.success(
        request,
        _("%(n)s votes from between meetings are counted with the meeting's vote.")
        % {"n": counted["copied"]},
    )
    return redirect("deliberation:forum_poll", slug=forum.slug, poll_id=poll.pk)
