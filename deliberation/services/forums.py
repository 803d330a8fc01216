"""Forums and their members."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from deliberation import audit, realtime
from deliberation.exceptions import InvalidInput
from deliberation.models import (
    Action,
    ActionStatus,
    ActionUpdate,
    Attendance,
    Comment,
    CommentRevision,
    CommunicationNeed,
    Constituency,
    Forum,
    Meeting,
    Member,
    Notification,
    ProposalFollow,
    Role,
    Summary,
    new_token,
)
from deliberation.services.common import Actor, actor_label
from deliberation.services.notifications import email_address_set


@dataclass(frozen=True)
class MemberContact:
    """How to reach a member and when to check their needs again (NHS AIS)."""

    email: str = ""
    postal_address: str = ""
    needs_review_on: datetime.date | None = None


def _contact_set(member: Member, contact: MemberContact | None) -> bool:
    """Write a member's addresses and review date; call inside the change. Say if changed."""
    if contact is None:
        return False
    address = "\n".join(line.strip() for line in contact.postal_address.strip().splitlines())
    changed = (member.postal_address, member.needs_review_on) != (
        address,
        contact.needs_review_on,
    )
    if changed:
        member.postal_address = address
        member.needs_review_on = contact.needs_review_on
        member.save(update_fields=["postal_address", "needs_review_on"])
    return email_address_set(member=member, email=contact.email) or changed


def _clean_needs(needs: Iterable[str]) -> list[str]:
    cleaned = sorted(set(needs))
    unknown = [need for need in cleaned if need not in CommunicationNeed.values]
    if unknown:
        raise InvalidInput(
            _("Unknown communication need: %(needs)s.") % {"needs": ", ".join(unknown)}
        )
    return cleaned


def _member_payload(member: Member) -> dict[str, object]:
    return {
        "member": member.pk,
        # The name sits beside the chain, so it can be erased if they ask to be forgotten.
        "name": audit.Private(member.name, member_id=member.pk, subject=f"member:{member.pk}"),
        "constituency": member.constituency,
        "role": member.role,
        "guest": member.is_guest,
    }


def forum_create(*, name: str, slug: str = "", description: str = "", actor: Actor = None) -> Forum:
    """Create a forum; the creating user (if any) becomes its first facilitator."""
    with transaction.atomic():
        forum = Forum.objects.create(
            name=name.strip(), slug=slug or slugify(name)[:60], description=description
        )
        audit.append(
            forum_id=forum.pk,
            actor=actor_label(actor),
            kind="forum.created",
            payload={"name": forum.name, "slug": forum.slug},
        )
        user = actor if getattr(actor, "is_authenticated", False) else None
        if user is not None:
            member_add(
                forum=forum,
                name=user.get_full_name() or user.get_username(),  # type: ignore[union-attr]
                constituency=Constituency.STAFF,
                role=Role.FACILITATOR,
                user=user,  # type: ignore[arg-type]
                actor=actor,
            )
    return forum


def member_add(
    *,
    forum: Forum,
    name: str,
    constituency: str,
    role: str = Role.PARTICIPANT,
    user: User | None = None,
    communication_needs: Iterable[str] = (),
    supports: Iterable[Member] = (),
    is_guest: bool = False,
    contact: MemberContact | None = None,
    actor: Actor = None,
) -> Member:
    """Add a person to a forum with their constituency and role."""
    if constituency not in Constituency.values:
        raise InvalidInput(_("Please choose which voice this person brings."))
    if role not in Role.values:
        raise InvalidInput(_("Please choose a role."))
    if not name.strip():
        raise InvalidInput(_("Please give the person's name."))
    with transaction.atomic():
        member = Member.objects.create(
            forum=forum,
            name=name.strip(),
            constituency=constituency,
            role=role,
            user=user,
            communication_needs=_clean_needs(communication_needs),
            is_guest=is_guest,
        )
        supported = [m for m in supports if m.forum_id == forum.pk]
        if supported:
            member.supports.set(supported)
        # Addresses are personal data: the record says that they were given, not what.
        contact_given = _contact_set(member, contact)
        audit.append(
            forum_id=forum.pk,
            actor=actor_label(actor),
            kind="member.added",
            payload={
                **_member_payload(member),
                "supports": [m.pk for m in supported],
                **({"contact_changed": True} if contact_given else {}),
            },
        )
    return member


def member_update(
    *,
    member: Member,
    name: str,
    constituency: str,
    role: str,
    communication_needs: Iterable[str],
    supports: Iterable[Member],
    is_active: bool = True,
    contact: MemberContact | None = None,
    actor: Actor = None,
) -> Member:
    """Change a member's details (and, if given, their addresses and review date)."""
    if constituency not in Constituency.values or role not in Role.values or not name.strip():
        raise InvalidInput(_("Please give a name, a voice and a role."))
    with transaction.atomic():
        before = Member.objects.select_for_update().values("role", "is_active").get(pk=member.pk)
        needs_before = sorted(member.communication_needs or [])
        member.name = name.strip()
        member.constituency = constituency
        member.role = role
        member.communication_needs = _clean_needs(communication_needs)
        member.is_active = is_active
        member.save()
        supported = [m for m in supports if m.forum_id == member.forum_id and m.pk != member.pk]
        member.supports.set(supported)
        contact_changed = _contact_set(member, contact)
        if before["role"] != role or before["is_active"] != is_active:
            # Their phones reconnect as who they are now (an observer does not vote).
            _close_phones(member)
        audit.append(
            forum_id=member.forum_id,
            actor=actor_label(actor),
            kind="member.updated",
            payload={
                **_member_payload(member),
                "active": is_active,
                # Communication needs are health information and the record is open to
                # every member, so it says that they changed, not what they are.
                "needs_changed": member.communication_needs != needs_before,
                # Addresses are personal data too: only whether they changed.
                "contact_changed": contact_changed,
                "supports": [m.pk for m in supported],
            },
        )
    return member


def _close_phones(member: Member) -> None:
    """Close the member's sockets in every meeting not yet finished; call inside the change."""
    meeting_ids = (
        Attendance.objects.filter(member=member)
        .exclude(meeting__status=Meeting.Status.CLOSED)
        .values_list("meeting_id", flat=True)
    )
    for meeting_id in meeting_ids:
        realtime.close_member_sockets(meeting_id, member.pk)


def member_link_reissue(*, member: Member, actor: Actor = None) -> Member:
    """Give a member a new personal link and card (one was lost); the old one stops working.

    Browsers that came in by the old link are nobody here any more, and phones that
    joined a meeting still going with it are untied from the name.
    """
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        member.invite_token = new_token()
        member.save(update_fields=["invite_token"])
        tied = (
            Attendance.objects.select_for_update()
            .filter(member=member)
            .exclude(meeting__status=Meeting.Status.CLOSED)
        )
        tied.exclude(device_token="").update(device_token="")
        _close_phones(member)
        audit.append(
            forum_id=member.forum_id,
            actor=actor_label(actor),
            # Never the link itself: the record is open to every member.
            kind="member.link_reissued",
            payload={"member": member.pk},
        )
    return member


def _stopped_by(member: Member) -> list[int]:
    """Return the stopped actions whose reason is the note this member wrote to stop them."""
    stopped = []
    for action_id in (
        Action.objects.filter(status=ActionStatus.DROPPED, updates__author=member)
        .values_list("pk", flat=True)
        .distinct()
    ):
        last = (
            ActionUpdate.objects.filter(action_id=action_id)
            .exclude(status_after=models.F("status_before"))
            .order_by("pk")
            .last()
        )
        if last is not None and last.author_id == member.pk:
            stopped.append(action_id)
    return stopped


def member_erase(*, member: Member, actor: Actor = None) -> Member:
    """Forget a member who asked to be: name, contact details, needs and their words.

    Their ballots, tallies and the chain stay as they are: the events keep only salted
    hashes of what is erased, so every hash still checks (UK GDPR, right to erasure).
    Their comments, progress notes (and the reason of an action one of them stopped) and
    sign-off notes are blanked where members read them, and the words beside the chain
    are erased. Proposals they wrote stay: the
    forum voted on them.
    """
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        forgotten = _("Forgotten member")
        member.name = forgotten
        member.communication_needs = []
        member.needs_review_on = None
        member.postal_address = ""
        member.is_active = False
        # Their personal link stops working: a new one nobody has.
        member.invite_token = new_token()
        member.save()
        member.supports.clear()
        _close_phones(member)
        email_address_set(member=member, email="")
        # Their notices (sent or not) and the ideas they follow say what they cared about.
        Notification.objects.filter(member=member).delete()
        ProposalFollow.objects.filter(member=member).delete()
        now = timezone.now()
        # The rendered HTML beside each text is blanked too, or the page would still show it.
        CommentRevision.objects.filter(comment__author=member).update(body="", body_html="")
        comments = Comment.objects.filter(author=member).update(
            body="",
            body_html="",
            hidden_at=now,
            hidden_reason=_("The person who wrote this asked to be forgotten."),
        )
        # Why an action stopped is the note that stopped it, word for word: blank it too.
        Action.objects.filter(pk__in=_stopped_by(member)).update(dropped_reason="")
        ActionUpdate.objects.filter(author=member).update(
            note="", what_helped="", what_got_in_the_way=""
        )
        Action.objects.filter(owner=member).update(owner_name=forgotten)
        Summary.objects.filter(signed_off_by=member).update(signed_off_note="")
        erased = audit.erase_member_values(member.pk)
        audit.append(
            forum_id=member.forum_id,
            actor=actor_label(actor),
            kind="member.erased",
            payload={
                "member": member.pk,
                "values_erased": erased,
                "comments": comments,
                # Their comments are hidden now: the chain binds that, as it binds any hiding.
                **audit.binding(*Comment.objects.filter(author=member).order_by("pk")),
            },
        )
    return member
