"""Pages of the proposal threads between meetings: ideas, their actions, agenda, emails.

Participants have no account: their personal invite link tells this browser who they
are in the forum (identity.remember_forum_member); facilitators sign in. Every action
is a plain HTML form that calls one service. Comments are in comments.py, votes between
meetings in forum_polls.py, who is here in threads.py.
"""

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

from deliberation import display, identity, markdown, permissions, photos
from deliberation.exceptions import DomainError
from deliberation.forms.photos import PhotoForm
from deliberation.forms.proposals import (
    PROPOSAL_SYMBOLS,
    SORT_CHOICES,
    CommentForm,
    NotifyForm,
    ProposalFilterForm,
    ProposalForm,
    ReasonForm,
    ScheduleForm,
    StatusForm,
)
from deliberation.models import (
    CommentReport,
    Forum,
    NotificationPreference,
    NotifyFrequency,
    Proposal,
    ProposalPhoto,
    ProposalStatus,
)
from deliberation.selectors import proposals as proposal_selectors
from deliberation.services import comments as comment_services
from deliberation.services import notifications
from deliberation.services import proposals as services
from deliberation.services import scheduling as scheduling_services
from deliberation.views import easyread
from deliberation.views.comments import comment_in, comment_view, do_comment
from deliberation.views.common import Done, Posted, first_error, handle_post
from deliberation.views.home import follow_context
from deliberation.views.threads import Invalid, member_of, tabs, thread_forum, viewer

PAGE_SIZE = 20
COMMENT_PAGE_SIZE = 30


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
    forum = thread_forum(slug)
    who = viewer(request, forum)
    form = ProposalFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    search_error = ""
    if form.is_bound:
        form.is_valid()
        # Each good filter is used; a bad one is left out, never an error page.
        filters = dict(form.cleaned_data)
        if "q" in form.errors:
            search_error = _("We could not search for that. Please search with plain words.")
    sort = filters.pop("sort", "") or proposal_selectors.DEFAULT_SORT
    q = filters.get("q", "")
    if q and not proposal_selectors.search_words(q):
        search_error = _("We could not search for that. Please search with plain words.")
    proposals = proposal_selectors.proposal_list(
        forum,
        status=filters.get("status", ""),
        symbol=filters.get("symbol", ""),
        constituency=filters.get("constituency", ""),
        q=q,
        sort=sort,
    )
    if search_error:
        proposals = proposals.none()
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
            **tabs(forum, who, "proposals"),
            "form": form,
            "rows": rows,
            "page": page,
            "query": query.urlencode(),
            "filtered": bool(filters and any(filters.values())),
            "sort": sort,
            "sort_choices": SORT_CHOICES,
            "search_error": search_error,
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
    forum = thread_forum(slug)
    who = viewer(request, forum)
    if not permissions.can("proposal.create", who, forum):
        raise PermissionDenied
    form = ProposalForm(request.POST or None)
    photo_form = PhotoForm(request.POST or None, request.FILES or None)
    member = member_of(who)
    pending = photos.pending_find(request.POST.get("pending_photo", ""), member_id=member.pk)

    def create(data: dict[str, Any]) -> Done:
        chosen = _photo_input(photo_form)
        if not chosen and pending is not None:
            chosen = [
                services.PhotoInput(
                    file=photos.pending_open(pending),
                    description=photo_form.cleaned_data.get("photo_description") or "",
                    size=pending.size,
                )
            ]
        proposal = services.proposal_create(
            forum=forum,
            author=member,
            title=data["title"],
            summary=data["summary"],
            symbol=data["symbol"],
            body=data["body"],
            photos=chosen,
            actor=request.user if request.user.is_authenticated else member,
            principal=who,
        )
        if pending is not None:
            photos.pending_drop(pending)
        return _("Thank you. Your idea is saved."), _proposal_url(forum, proposal)

    return _form_page(
        request,
        forum,
        who,
        tab="new",
        form=form,
        photo_form=photo_form,
        proposal=None,
        save=create,
        pending=pending,
    )


def _kept_photo(
    request: HttpRequest,
    forum: Forum,
    who: identity.Principal,
    photo_form: PhotoForm,
    pending: photos.PendingPhoto | None,
) -> tuple[str, str]:
    """Keep a chosen photo when the form is shown again; return its reference and a note.

    A file input is always empty when a page is shown again, so without this the photo
    would be dropped without a word.
    """
    reference = request.POST.get("pending_photo", "") if pending is not None else ""
    upload = photo_form.cleaned_data.get("photo") if photo_form.is_valid() else None
    if upload:
        try:
            reference = photos.pending_keep(
                upload, size=upload.size, forum_id=forum.pk, member_id=member_of(who).pk
            )
        except DomainError as exc:
            return "", exc.message
    elif photo_form.is_bound and request.FILES.get("photo"):
        return "", _("The photo was not kept. Please choose it again.")
    if reference:
        return reference, _("Your photo is kept. You do not need to choose it again.")
    return "", ""


def _form_page(
    request: HttpRequest,
    forum: Forum,
    who: identity.Principal,
    *,
    tab: str,
    form: ProposalForm,
    photo_form: PhotoForm | None,
    proposal: Proposal | None,
    save: Callable[[dict[str, Any]], Done],
    pending: photos.PendingPhoto | None = None,
) -> HttpResponse:
    """Show the body as it will look on "Preview"; else save, or show the form again."""
    preview = None
    if "preview" in request.POST and form.is_valid():
        preview = markdown.render(form.cleaned_data["body"])
    checked = [form] if photo_form is None else [form, photo_form]
    posted = Posted() if preview is not None else handle_post(request, checked, save)
    if posted.response:
        return posted.response
    pending_photo, photo_note = "", ""
    if photo_form is not None and request.method == "POST":
        pending_photo, photo_note = _kept_photo(request, forum, who, photo_form, pending)
    return render(
        request,
        "deliberation/proposals/form.html",
        {
            "pending_photo": pending_photo,
            "photo_note": photo_note,
            **tabs(forum, who, tab),
            "form": form,
            "photo_form": photo_form,
            "symbols": _symbols(form["symbol"].value() or ""),
            "preview": preview,
            "error": posted.error,
            "proposal": proposal,
            "checks": _word_checks(forum, form["title"].value(), form["summary"].value())
            if request.method == "POST"
            else [],
        },
        status=posted.status,
    )


def _proposal_url(forum: Forum, proposal: Proposal) -> str:
    return reverse("deliberation:proposal", args=[forum.slug, proposal.pk])


def _proposal(forum: Forum, pk: int) -> Proposal:
    return get_object_or_404(
        Proposal.objects.select_related("author", "hidden_by", "forum"), pk=pk, forum=forum
    )


@require_http_methods(["GET", "POST"])
def proposal_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Change a proposal's words (its author while open; a facilitator)."""
    forum = thread_forum(slug)
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

    def edit(data: dict[str, Any]) -> Done:
        services.proposal_edit(proposal=proposal, editor=member_of(who), **data, principal=who)
        return _("The changes are saved."), _proposal_url(forum, proposal)

    return _form_page(
        request,
        forum,
        who,
        tab="proposals",
        form=form,
        photo_form=None,
        proposal=proposal,
        save=edit,
    )


# -- one proposal ------------------------------------------------------------------------


def _timeline(proposal: Proposal, links: list[Any]) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for event in proposal_selectors.proposal_timeline(proposal):
        entries.append(
            {
                "at": event.created_at,
                "kind": event.kind,
                "label": event.get_kind_display(),
                "actor": event.actor.name if event.actor else "",
                "reason": services.reason_words(event.reason_code, event.reason_args)
                or event.reason,
                "from": _status_label(event.status_from) if event.status_from else "",
                "to": _status_label(event.status_to) if event.status_to else "",
                "meeting": event.meeting,
                "poll": event.poll,
            }
        )
    meeting_vote_to_come = any(
        link.poll.meeting_id is not None and not link.poll.is_closed for link in links
    )
    for link in links:
        poll = link.poll
        if poll.meeting_id is None and (
            meeting_vote_to_come or getattr(poll, "schedule", None) and poll.schedule.counted_in_id
        ):
            # Votes between meetings counted with a meeting's vote have one result: the
            # meeting's, shown when it closes (it says how many voted between meetings).
            continue
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
    comments_page = Paginator(
        proposal_selectors.proposal_comments(proposal), COMMENT_PAGE_SIZE
    ).get_page(request.GET.get("comments"))
    reported = set(
        CommentReport.objects.filter(
            reporter=member_of(who), comment__proposal=proposal
        ).values_list("comment_id", flat=True)
    )
    # The "comment.report" rule without its author part, asked once for the page.
    may_report = permissions.can("proposal.comment", who, proposal)
    threads = [
        {
            **comment_view(c, who, now, is_lead, reported, may_report),
            "replies": [
                comment_view(r, who, now, is_lead, reported, may_report) for r in c.replies.all()
            ],
        }
        for c in comments_page.object_list
    ]
    support = proposal_selectors.support_by_constituency(proposal)
    links = proposal_selectors.proposal_polls(proposal)
    finished = proposal.status in services.FINISHED
    photo_rows = list(proposal.photos.all())
    can_write = permissions.can("proposal.comment", who, proposal) and not finished
    context = {
        **tabs(forum, who, "proposals"),
        "proposal": proposal,
        "status_label": _status_label(proposal.status),
        "author_group": display.group_label(proposal.author_constituency),
        "body_html": markdown.stored(proposal.body_html),
        "photos": photo_rows,
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
        "endorsed": proposal.endorsements.filter(member=member_of(who)).exists(),
        "revisions": proposal_selectors.proposal_revisions(proposal)
        if not proposal.is_hidden or is_lead
        else [],
        "can_endorse": permissions.can("proposal.endorse", who, proposal)
        and not finished
        and not proposal.is_hidden,
        "can_comment": can_write and not proposal.is_hidden,
        "can_edit": permissions.can("proposal.edit", who, proposal)
        and not finished
        and (is_lead or proposal.status == ProposalStatus.OPEN),
        "can_add_photo": permissions.can("proposal.photo", who, proposal)
        and not finished
        and len(photo_rows) < services.MAX_PHOTOS,
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
        **follow_context(proposal, who),
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
    forum = thread_forum(slug)
    who = viewer(request, forum)
    return _proposal_page(request, forum, who, _proposal(forum, pk))


def _reason(request: HttpRequest, action: str) -> ReasonForm:
    form = ReasonForm(request.POST)
    if not form.is_valid():
        raise Invalid(first_error(form), action=action)
    return form


def do_endorse(request: HttpRequest, who: identity.Principal, proposal: Proposal) -> str:
    services.proposal_endorse(proposal=proposal, member=member_of(who), principal=who)
    return _("Thank you. Your support is counted.")


def do_unendorse(request: HttpRequest, who: identity.Principal, proposal: Proposal) -> str:
    services.proposal_unendorse(proposal=proposal, member=member_of(who), principal=who)
    return _("You do not support this idea now. You can support it again at any time.")


def do_photo(request: HttpRequest, who: identity.Principal, proposal: Proposal) -> str:
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid() or not form.cleaned_data.get("photo"):
        if form.is_valid():
            form.add_error("photo", _("Please choose a photo."))
        raise Invalid(first_error(form), photo=form, action="photo")
    services.proposal_photo_add(
        proposal=proposal, photo=_photo_input(form)[0], added_by=member_of(who), principal=who
    )
    return _("The photo is added.")


def do_hide(request: HttpRequest, who: identity.Principal, proposal: Proposal) -> str:
    form = _reason(request, "hide")
    comment_id = form.cleaned_data.get("comment")
    if comment_id:
        comment = comment_in(proposal, comment_id)
        comment_services.comment_hide(
            comment=comment, by=member_of(who), reason=form.cleaned_data["reason"], principal=who
        )
        return _("The comment is hidden. People see your reason instead.")
    services.proposal_hide(
        proposal=proposal, by=member_of(who), reason=form.cleaned_data["reason"], principal=who
    )
    return _("The proposal is hidden. People see your reason instead.")


def do_unhide(request: HttpRequest, who: identity.Principal, proposal: Proposal) -> str:
    comment_id = request.POST.get("comment")
    if comment_id:
        comment_services.comment_unhide(
            comment=comment_in(proposal, comment_id), by=member_of(who), principal=who
        )
        return _("The comment is shown again.")
    services.proposal_unhide(proposal=proposal, by=member_of(who), principal=who)
    return _("The proposal is shown again.")


def do_status(request: HttpRequest, who: identity.Principal, proposal: Proposal) -> str:
    form = StatusForm(request.POST)
    if not form.is_valid():
        raise Invalid(first_error(form), action="status", reason=request.POST.get("reason", ""))
    services.proposal_status_change(
        proposal=proposal,
        to=form.cleaned_data["to"],
        reason=form.cleaned_data["reason"],
        by=member_of(who),
        principal=who,
    )
    return _("The proposal has moved on. The reason is on its timeline.")


def do_withdraw(request: HttpRequest, who: identity.Principal, proposal: Proposal) -> str:
    form = _reason(request, "withdraw")
    services.proposal_withdraw(
        proposal=proposal, by=member_of(who), reason=form.cleaned_data["reason"], principal=who
    )
    return _("You have taken back your proposal.")


ACTIONS: dict[str, Callable[[HttpRequest, identity.Principal, Proposal], str]] = {
    "endorse": do_endorse,
    "unendorse": do_unendorse,
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
    forum = thread_forum(slug)
    who = viewer(request, forum)
    proposal = _proposal(forum, pk)
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404
    try:
        message = handler(request, who, proposal)
    except Invalid as exc:
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


@require_GET
def proposal_photo(request: HttpRequest, slug: str, photo_id: int) -> FileResponse:
    """Send a proposal's photo to members of the forum only."""
    forum = thread_forum(slug)
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
    forum = thread_forum(slug)
    who = viewer(request, forum)
    if not permissions.can("proposal.change_status", who, forum):
        raise PermissionDenied
    form = ScheduleForm(request.POST or None, forum=forum, initial={"method": "dots"})

    def schedule(data: dict[str, Any]) -> Done:
        scheduled = scheduling_services.proposals_schedule(
            proposals=list(data["proposals"]),
            meeting=data["meeting"],
            by=member_of(who),
            method=data["method"],
            question=data["question"],
            dots=(data["dots"] or 3) if data["method"] == "dots" else 0,
            actor=request.user if request.user.is_authenticated else member_of(who),
            principal=who,
        )
        message = _("The proposals are on the agenda of %(meeting)s, with a vote ready.") % {
            "meeting": data["meeting"].title
        }
        if permissions.can("forum.facilitate", who, forum):
            url = reverse("deliberation:console", args=[forum.slug, data["meeting"].pk])
            return message, f"{url}#poll-{scheduled.poll.pk}"
        return message, reverse("deliberation:proposals", args=[forum.slug])

    posted = handle_post(request, form, schedule)
    return posted.response or render(
        request,
        "deliberation/proposals/schedule.html",
        {**tabs(forum, who, "schedule"), "form": form, "error": posted.error},
        status=posted.status,
    )


# -- emails ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def notify(request: HttpRequest, slug: str) -> HttpResponse:
    """Choose how to hear about new ideas and comments: no emails, each one, or daily."""
    forum = thread_forum(slug)
    who = viewer(request, forum)
    current = NotificationPreference.objects.filter(member=member_of(who)).first()
    initial = {
        "frequency": current.frequency if current else NotifyFrequency.NONE,
        "email": current.email if current else "",
    }
    form = NotifyForm(request.POST or None, initial=initial)

    def choose(data: dict[str, Any]) -> Done:
        notifications.notification_preference_set(
            member=member_of(who), frequency=data["frequency"], email=data["email"]
        )
        return _("Your choice is saved."), reverse("deliberation:notify", args=[forum.slug])

    posted = handle_post(request, form, choose)
    if posted.response:
        return posted.response
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
        {**tabs(forum, who, "notify"), "form": form, "choices": choices, "error": posted.error},
        status=posted.status,
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
    forum = thread_forum(slug)
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
