"""Pages for participants: join, wait to be let in, vote. No account: the session says who."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deliberation import audit, display, identity, permissions, throttle
from deliberation.exceptions import DomainError, NameTaken
from deliberation.forms.base import normalise_code
from deliberation.forms.meetings import GuestForm, JoinCodeForm, NameChoiceForm
from deliberation.forms.polls import BallotForm, answer_initial
from deliberation.models import Attendance, CommunicationNeed, Meeting, Member, Poll, Role
from deliberation.selectors import forums as forum_selectors
from deliberation.selectors import meetings as meeting_selectors
from deliberation.services.ballots import ballot_cast
from deliberation.services.meetings import attendance_claim, attendance_join, guest_request
from deliberation.views.ballots import answer_text, vote_fields
from deliberation.views.common import Done, handle_post, phone_meeting, pick_poll, question_item


def home(request: HttpRequest) -> HttpResponse:
    """Send a signed-in facilitator to their forums; show everyone else the join page."""
    user = request.user
    if user.is_authenticated and (user.is_staff or forum_selectors.forums_for_user(user).exists()):
        return redirect("deliberation:forums")
    return join(request)


@require_GET
@throttle.throttle(throttle.JOIN_CODE_FAILURES)
def join(request: HttpRequest) -> HttpResponse:
    """Ask for the meeting's join code."""
    form = JoinCodeForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        code = form.cleaned_data["code"]
        if Meeting.objects.filter(join_code=code).exists():
            return redirect("deliberation:join_meeting", code=code)
        form.add_error(
            "code", _("We could not find a meeting with this code. Please check the screen.")
        )
    if form.is_bound:
        throttle.failed(request)
    return render(request, "deliberation/join.html", {"form": form})


def _meeting_for_code(code: str) -> Meeting:
    return get_object_or_404(
        Meeting.objects.select_related("forum"), join_code=normalise_code(code)
    )


def _own_attendance(request: HttpRequest, meeting: Meeting) -> Attendance | None:
    member_id = identity.member_id_for(request.session, meeting.pk)
    if member_id is None:
        return None
    return Attendance.objects.filter(meeting=meeting, member_id=member_id).first()


def _instead_of_joining(request: HttpRequest, meeting: Meeting) -> HttpResponse | None:
    """Return the page to show instead: the meeting is over, or this browser waits to join."""
    if meeting.status == Meeting.Status.CLOSED:
        return render(request, "deliberation/meeting_finished.html", {"meeting": meeting})
    own = _own_attendance(request, meeting)
    if own is not None and own.status == Attendance.Status.WAITING:
        return redirect("deliberation:waiting", code=meeting.join_code)
    return None


@require_http_methods(["GET", "POST"])
@throttle.throttle(throttle.JOIN_CODE_FAILURES, throttle.JOIN_CODE_TRIES)
def join_meeting(request: HttpRequest, code: str) -> HttpResponse:
    """Let a person pick their name from the list, or go on as someone new."""
    if normalise_code(code) != code:
        return redirect("deliberation:join_meeting", code=normalise_code(code))
    meeting = _meeting_for_code(code)
    instead = _instead_of_joining(request, meeting)
    if instead is not None:
        return instead
    if _claim_pending(request, meeting):
        return redirect("deliberation:waiting", code=meeting.join_code)
    me = identity.present_member(request.session, meeting.pk)
    form = NameChoiceForm(request.POST or None, meeting=meeting)
    error = ""
    status = 200
    if request.method == "POST":
        if not meeting.allow_name_choice:
            error = _("Please use your personal card or link to join this meeting.")
            status = 403
        elif meeting.status != Meeting.Status.OPEN:
            error = _("The meeting has not started yet. Please wait for the facilitator.")
            status = 403
        elif form.is_valid():
            member = form.cleaned_data["member"]
            token = identity.device_token(request.session)
            try:
                attendance_join(meeting=meeting, member=member, via="name", device_token=token)
            except NameTaken as exc:
                # The phone that has the name keeps it; the facilitator decides.
                attendance_claim(meeting=meeting, member=member, device_token=token)
                identity.remember_member(request.session, meeting, member)
                identity.remember_claim(request.session, meeting, member)
                return _waiting_page(request, meeting, member.name, notice=exc.message, status=400)
            except DomainError as exc:
                error = exc.message
                status = 400
            else:
                identity.remember_member(request.session, meeting, member)
                identity.forget_claim(request.session, meeting)
                return redirect("deliberation:phone", meeting_id=meeting.pk)
        else:
            error = _("Please choose your name from the list.")
            status = 400
    names = _names_to_show(request, meeting)
    return render(
        request,
        "deliberation/join_meeting.html",
        {**names, "meeting": meeting, "me": me, "error": error},
        status=status,
    )


def _names_to_show(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    """Choose the names the join page shows: all of a small forum's, else those typed for.

    A search shows only names the full list would have shown (the meeting's expected
    participants, while it is open), and a few at a time.
    """
    letters = " ".join(request.GET.get("name", "")[:60].split())
    people = (
        forum_selectors.expected_participants(meeting)
        if meeting.allow_name_choice
        else Member.objects.none()
    )
    search = people.count() > forum_selectors.NAME_LIST_MAX
    if not search:
        found = list(people)
    elif letters:
        found = forum_selectors.name_matches(meeting, letters)
    else:
        found = []
    limit = forum_selectors.NAME_MATCHES_MAX
    return {
        "search": search,
        "letters": letters,
        "more": search and len(found) > limit,
        "members": [
            {"id": m.pk, "name": m.name, "group": display.group_label(m.constituency)}
            for m in (found[:limit] if search else found)
        ],
    }


@require_http_methods(["GET", "POST"])
@throttle.throttle(
    throttle.JOIN_CODE_FAILURES, throttle.GUESTS_PER_CODE, throttle.GUESTS_PER_CLIENT
)
def join_guest(request: HttpRequest, code: str) -> HttpResponse:
    """Ask someone new for their name and group; the facilitator lets them in."""
    meeting = _meeting_for_code(code)
    instead = _instead_of_joining(request, meeting)
    if instead is not None:
        return instead
    form = GuestForm(request.POST or None)

    def ask(data: dict[str, Any]) -> Done:
        attendance = guest_request(
            meeting=meeting,
            name=data["name"],
            constituency=data["constituency"],
            device_token=identity.device_token(request.session),
        )
        identity.remember_member(request.session, meeting, attendance.member)
        identity.forget_claim(request.session, meeting)
        return "", reverse("deliberation:waiting", args=[meeting.join_code])

    posted = handle_post(request, form, ask)
    if posted.response:
        return posted.response
    groups = [
        {
            "key": key,
            "label": display.GROUPS[key],
            "help": display.GROUP_HELP[key],
            "symbol": display.GROUP_SYMBOLS[key],
            "checked": form["constituency"].value() == key,
        }
        for key in display.GROUPS
    ]
    return render(
        request,
        "deliberation/join_guest.html",
        # A mistake in the form shows beside its field; the service's refusal above the form.
        {
            "meeting": meeting,
            "form": form,
            "groups": groups,
            "error": "" if form.errors else posted.error,
        },
        status=posted.status,
    )


def _claim_pending(request: HttpRequest, meeting: Meeting) -> bool:
    """Is this phone waiting for the facilitator to give it a name another phone has?"""
    member_id = identity.claimed_member_id(request.session, meeting.pk)
    token = request.session.get(identity.SESSION_DEVICE, "")
    if member_id is None or not token:
        return False
    return Attendance.objects.filter(
        meeting=meeting, member_id=member_id, claim_token=token
    ).exists()


def _waiting_page(
    request: HttpRequest,
    meeting: Meeting,
    name: str,
    *,
    refused: bool = False,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "deliberation/waiting.html",
        {"meeting": meeting, "refused": refused, "name": name, "notice": notice},
        status=status,
    )


@require_GET
@throttle.throttle(throttle.JOIN_CODE_FAILURES)
def waiting(request: HttpRequest, code: str) -> HttpResponse:
    """Wait until the facilitator lets this guest in, or gives this phone a name; reloads itself."""
    meeting = _meeting_for_code(code)
    if identity.present_member(request.session, meeting.pk) is not None:
        return redirect("deliberation:phone", meeting_id=meeting.pk)
    claimed = identity.claimed_member_id(request.session, meeting.pk)
    if claimed is not None:
        member = Member.objects.filter(pk=claimed, forum_id=meeting.forum_id).first()
        if member is not None:
            pending = _claim_pending(request, meeting) and meeting.status != Meeting.Status.CLOSED
            notice = "" if not pending else str(NameTaken.default_message)
            return _waiting_page(request, meeting, member.name, refused=not pending, notice=notice)
    own = _own_attendance(request, meeting)
    if own is None or own.status == Attendance.Status.PRESENT:
        return redirect("deliberation:join_meeting", code=meeting.join_code)
    refused = own.status == Attendance.Status.LEFT or meeting.status == Meeting.Status.CLOSED
    return _waiting_page(request, meeting, own.member.name, refused=refused)


@require_http_methods(["GET", "POST"])
@throttle.throttle(throttle.INVITE_FAILURES)
def invite(request: HttpRequest, token: str) -> HttpResponse:
    """Open a member's home from their personal link or QR card, joining the open meeting.

    Once this browser knows them, the link lands on the member's home, which shows the
    live meeting at the top when one is on. Only the "Yes, this is me" button (a POST,
    CSRF-protected) tells this browser who they are, for the meeting and between
    meetings: opening the link (a GET, which another site, a link preview or a prefetch
    can cause) changes nothing.
    """
    member = get_object_or_404(
        Member.objects.select_related("forum"), invite_token=token, is_active=True
    )
    if not _needs_welsh_first(request, member):
        return _invite(request, member)
    # Their first visit in this browser: the page, and the meeting after it, in Welsh.
    with translation.override("cy"):
        request.LANGUAGE_CODE = "cy"
        response = _invite(request, member)
    response.headers["Content-Language"] = "cy"
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        "cy",
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def _needs_welsh_first(request: HttpRequest, member: Member) -> bool:
    """Say whether a member who reads Welsh opens their link where no language was chosen.

    A language chosen in this browser (the switcher sets the cookie) is kept, so someone
    who picks English after their first visit stays in English.
    """
    return (
        CommunicationNeed.WELSH in (member.communication_needs or [])
        and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
    )


def _invite(request: HttpRequest, member: Member) -> HttpResponse:
    """Answer the personal link of `member` (see `invite`)."""
    meeting = forum_selectors.open_meeting_for_forum(member.forum_id)
    context: dict[str, Any] = {"member": member, "meeting": meeting, "error": ""}
    if request.method == "POST":
        # The personal link also tells this browser who they are between meetings, for
        # the forum's threads and record (only this person holds the link).
        identity.remember_forum_member(request.session, member)
        if request.POST.get("next") == "proposals":
            return redirect("deliberation:proposals", slug=member.forum.slug)
        if meeting is None or request.POST.get("next") == "home":
            return redirect("deliberation:member_home", slug=member.forum.slug)
    if meeting is None:
        return render(request, "deliberation/invite.html", context)
    here = identity.present_member(request.session, meeting.pk)
    if here is not None and here.pk == member.pk:
        return redirect("deliberation:member_home", slug=member.forum.slug)
    if request.method == "POST":
        try:
            attendance_join(
                meeting=meeting,
                member=member,
                via="invite",
                device_token=identity.device_token(request.session),
            )
        except DomainError as exc:
            context["error"] = exc.message
            return render(request, "deliberation/invite.html", context, status=400)
        identity.remember_member(request.session, meeting, member)
        identity.forget_claim(request.session, meeting)
        # "Join the meeting" was pressed: straight to the meeting. The link, opened again,
        # lands on the home, with this meeting at the top.
        return redirect("deliberation:phone", meeting_id=meeting.pk)
    return render(request, "deliberation/invite.html", context)


# -- the phone view --------------------------------------------------------------


def _supports(member: Member) -> list[Member]:
    if member.role != Role.SUPPORTER:
        return []
    return list(member.supports.filter(is_active=True).order_by("name"))


def _may_read_record(request: HttpRequest, meeting: Meeting) -> bool:
    principal = identity.principal_for_request(request, forum=meeting.forum)
    return permissions.can("decision.read", principal, meeting.forum) or permissions.can(
        "forum.facilitate", principal, meeting.forum
    )


def _phone_page(
    request: HttpRequest,
    meeting: Meeting,
    member: Member,
    *,
    form: BallotForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    snapshot = meeting_selectors.phone_snapshot(meeting.pk, member)
    poll, is_open = pick_poll(snapshot)
    me = snapshot["me"]
    context: dict[str, Any] = {
        "meeting": meeting,
        "snapshot": snapshot,
        "me": me,
        "me_group": display.group_label(member.constituency),
        "item": question_item(snapshot),
        "poll": poll,
        "is_open": is_open,
        "can_vote": member.can_vote,
        "error": error,
        "results": display.build_results(poll) if poll else None,
        "config_script": display.live_config_script(),
        "ws_url": f"/ws/meeting/{meeting.pk}/",
        # The record is for the forum's members (a personal link), not for a name picked.
        "may_read_record": _may_read_record(request, meeting),
    }
    if poll and is_open and member.can_vote:
        if form is None:
            model_poll = meeting_selectors.poll_with_options(poll["id"])
            form = BallotForm(
                poll=model_poll,
                supports=_supports(member),
                initial=answer_initial(model_poll, me["answers"].get(str(poll["id"]))),
            )
        context["vote"] = vote_fields(poll, form)
        context["voted"] = str(poll["id"]) in me["voted"]
        answer = me["answers"].get(str(poll["id"]))
        context["answer_text"] = answer_text(poll, answer) if answer else ""
    response = render(request, "deliberation/phone.html", context, status=status)
    # The phone gets its device key before it votes (a secret poll may open while this
    # page is shown), so a vote resent after a lost reply carries the same ballot key.
    identity.give_device_key(request, response)
    return response


@require_GET
def phone(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Show one question at a time on a participant's phone."""
    meeting, member = phone_meeting(request, meeting_id)
    if member is None:
        return redirect("deliberation:join_meeting", code=meeting.join_code)
    return _phone_page(request, meeting, member)


@require_POST
def vote(request: HttpRequest, meeting_id: int, poll_id: int) -> HttpResponse:
    """Save a ballot sent by the plain HTML form (no JavaScript needed)."""
    meeting, member = phone_meeting(request, meeting_id)
    if member is None:
        return redirect("deliberation:join_meeting", code=meeting.join_code)
    poll = get_object_or_404(
        Poll.objects.select_related("forum").prefetch_related("options"),
        pk=poll_id,
        meeting=meeting,
    )
    supports = _supports(member)
    form = BallotForm(request.POST, poll=poll, supports=supports)
    if request.POST.get("for_member") and not supports:
        message = _("You can only vote with a person you support.")
        return _phone_page(request, meeting, member, form=form, error=message, status=400)
    if not form.is_valid():
        errors = [str(e) for errs in form.errors.values() for e in errs]
        return _phone_page(request, meeting, member, form=form, error=" ".join(errors), status=400)
    voter = member
    for_member = form.cleaned_data.get("for_member")
    if for_member:
        voter = next(m for m in supports if m.pk == for_member)
    # A phone that never loaded the page has no device key yet: it gets one with the reply.
    device = identity.device_key(request.COOKIES) or identity.new_device_key()
    principal = identity.principal_for_request(request, meeting=meeting)
    try:
        if voter.pk != member.pk:
            permissions.require(
                "member.assist", principal, voter, _("You can only vote with a person you support.")
            )
        permissions.require("poll.vote", voter, poll, _("You cannot vote in this forum."))
        # The service checks again under its lock, with the member read fresh.
        ballot_cast(
            poll=poll,
            answer=form.cleaned_data["answer"],
            client_id=form.cleaned_data["client_id"],
            voter=voter,
            cast_by=member,
            # The key to an assisted secret vote is apart from the supporter's own key.
            secret_token=identity.secret_ballot_key(device, poll.pk, voter.pk),
            meeting=meeting,
            device_token=request.session.get(identity.SESSION_DEVICE, ""),
        )
    except DomainError as exc:
        return _phone_page(request, meeting, member, form=form, error=exc.message, status=400)
    if voter.pk == member.pk:
        messages.success(request, _("Your vote is saved."))
    else:
        messages.success(request, _("The vote with %(name)s is saved.") % {"name": voter.name})
    response = redirect(reverse("deliberation:phone", args=[meeting.pk]))
    identity.give_device_key(request, response, device)
    return response


# -- vote codes: each phone checks its own ballots are in the sealed count -------------


@require_GET
def vote_codes(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Show this phone's vote codes in the meeting, and whether each is in the sealed count.

    A secret ballot's code is worked out from the device key only this phone holds;
    nothing stored on the server links the person to it.
    """
    meeting, member = phone_meeting(request, meeting_id)
    if member is None:
        return redirect("deliberation:join_meeting", code=meeting.join_code)
    voters = [member, *_supports(member)]
    device = identity.device_key(request.COOKIES)
    rows = []
    polls = Poll.objects.filter(meeting=meeting).exclude(status=Poll.Status.DRAFT)
    for poll in polls.order_by("created_at", "pk"):
        for voter in voters:
            if poll.secret:
                token = identity.secret_ballot_key(device, poll.pk, voter.pk)
                if token is None:
                    continue
                code = audit.receipt_code(poll, secret_token=token)
            else:
                code = audit.receipt_code(poll, member_id=voter.pk)
            if code is None:
                continue
            if poll.secret and not poll.is_closed:
                # Closing writes every secret ballot again (nothing then follows the order
                # people voted in), so its code is final only once the poll has closed.
                code = None
            rows.append(
                {
                    "poll": poll,
                    "with": voter if voter.pk != member.pk else None,
                    "code": code,
                    "check": audit.check_receipt(poll, code) if code and poll.is_closed else None,
                }
            )
    return render(
        request,
        "deliberation/vote_codes.html",
        {
            "meeting": meeting,
            "me": member,
            "rows": rows,
            "may_read_record": _may_read_record(request, meeting),
        },
    )
