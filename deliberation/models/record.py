"""The record: decisions, the audit chain and its values, and the actions that follow."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deliberation import photos
from deliberation.models.forums import (
    Forum,
    Member,
)
from deliberation.models.meetings import AgendaItem, Meeting
from deliberation.models.polls import Poll


class Decision(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="decisions"
    )
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="decisions")
    poll = models.OneToOneField(
        Poll, on_delete=models.PROTECT, null=True, blank=True, related_name="decision"
    )
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    outcome = models.TextField(_("what we decided"))
    outcome_easy_read = models.TextField(_("what we decided, in easy read"), blank=True)
    rationale = models.TextField(_("why"), blank=True)
    # Frozen with the decision: how it was made ("discussion" when there was no vote).
    method = models.CharField(max_length=20, blank=True)
    weighting = models.CharField(max_length=20, blank=True)
    result = models.JSONField(null=True, blank=True)
    attendance = models.JSONField(default=dict)
    recorded_by = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    audit_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["recorded_at"]
        # The log: a forum's decisions, newest first, a page at a time.
        indexes = [models.Index(fields=["forum", "-recorded_at", "-id"], name="decision_log_idx")]

    def __str__(self) -> str:
        return self.outcome[:80]


class AppendOnlyQuerySet(models.QuerySet):
    """Refuse bulk changes to audit events."""

    def update(self, **kwargs: object) -> int:
        raise PermissionError("Audit events cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    """One append-only link of a forum's hash chain."""

    forum = models.ForeignKey(Forum, on_delete=models.PROTECT, related_name="audit_events")
    seq = models.PositiveBigIntegerField()
    created_at = models.DateTimeField()
    actor = models.CharField(max_length=200)
    kind = models.CharField(max_length=60)
    payload = models.JSONField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["forum", "seq"]
        constraints = [models.UniqueConstraint(fields=["forum", "seq"], name="audit_seq_unique")]
        # Pages look up events of one kind (a poll's closing, a summary's sign-off) in a
        # chain of 100,000: without this each read the whole chain.
        indexes = [models.Index(fields=["forum", "kind", "seq"], name="audit_kind_idx")]

    def __str__(self) -> str:
        return f"{self.forum_id}#{self.seq} {self.kind}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events cannot be changed.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events cannot be deleted.")


class RecordValue(models.Model):
    """A value an audit event commits to by a salted hash, kept beside the chain.

    Personal words and names, and answers not yet public, live here rather than in the
    chain: the event holds sha256(salt + canonical_json(value)). Erasing the value and
    its salt leaves the chain and every other hash checkable (UK GDPR, right to erasure).
    """

    forum = models.ForeignKey(Forum, on_delete=models.PROTECT, related_name="+")
    commitment = models.CharField(max_length=64, unique=True)
    salt = models.CharField(max_length=32, blank=True)
    value = models.JSONField(null=True, blank=True)
    # Whose personal data this is: erased when they ask to be forgotten.
    member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What it belongs to, e.g. "comment:12", so hiding that hides this too.
    subject = models.CharField(max_length=40, blank=True, db_index=True)
    # Shown only once this poll's results may be seen (a vote with hidden results).
    reveal_with = models.ForeignKey(
        Poll, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden = models.BooleanField(default=False)
    erased_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.forum_id} {self.commitment[:12]}"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("Being done")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Stopped")


OPEN_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class Action(models.Model):
    """What someone will do because of a decision, by when, and how far it has got."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="actions")
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField(_("what will be done, in easy read"))
    owner = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    # The owner's name as given: a member's name when it was set, or a team outside the
    # forum ("the council's transport team"), so the record never loses who said yes.
    owner_name = models.CharField(_("who will do it"), max_length=120)
    due_on = models.DateField(_("by when"))
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    # The words of the note that stopped it (actions.action_progress_add); blank once its
    # writer is forgotten, so no constraint asks a stopped action for a reason.
    dropped_reason = models.TextField(_("why it was stopped"), blank=True)
    created_by = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["forum", "status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values), name="action_status_valid"
            ),
            models.CheckConstraint(condition=~Q(owner_name=""), name="action_has_owner"),
        ]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """Say whether the action is not finished and its date has passed."""
        return self.is_open and self.due_on < (today or timezone.localdate())


def action_photo_path(instance: "ActionUpdate", filename: str) -> str:
    """Store an action update's photo under a random name (photos.stored_name)."""
    return photos.stored_name("actions", instance.action.forum_id, filename)


class ActionUpdate(models.Model):
    """A progress note on an action, with what helped, what got in the way, and a photo."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    note = models.TextField(_("what happened"))
    status_before = models.CharField(max_length=20, choices=ActionStatus.choices)
    status_after = models.CharField(max_length=20, choices=ActionStatus.choices)
    what_helped = models.TextField(_("what helped?"), blank=True)
    what_got_in_the_way = models.TextField(_("what got in the way?"), blank=True)
    photo = models.ImageField(
        upload_to=action_photo_path,
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
    )
    photo_width = models.PositiveIntegerField(default=0)
    photo_height = models.PositiveIntegerField(default=0)
    photo_description = models.CharField(_("what the photo shows"), max_length=200, blank=True)
    # SHA-256 of the stored (re-encoded) photo, also in the audit event.
    photo_sha256 = models.CharField(max_length=64, blank=True)
    author = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(photo="") | ~Q(photo_description=""),
                name="action_photo_described",
            ),
        ]

    def __str__(self) -> str:
        return f"Update {self.pk} on action {self.action_id}"

    @property
    def status_changed(self) -> bool:
        return self.status_before != self.status_after
