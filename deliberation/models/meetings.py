"""Meetings: agenda and who is in the room."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from deliberation.models.forums import JOIN_CODE_LENGTH, Forum, Member, new_join_code, new_token


class Meeting(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Not started")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Finished")

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    join_code = models.CharField(max_length=JOIN_CODE_LENGTH, unique=True, default=new_join_code)
    projector_token = models.CharField(
        max_length=32, unique=True, default=new_token, editable=False
    )
    allow_name_choice = models.BooleanField(
        _("people can pick their name from a list"), default=True
    )
    current_item = models.ForeignKey(
        "AgendaItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Bumped by every change a screen must follow; broadcasts carry it so a client
    # that missed one knows to ask for a snapshot.
    version = models.PositiveBigIntegerField(default=0)
    # The projector shows "Last time we decided ... Here is what happened" while set.
    recap_shown = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        TOPIC = "topic", _("Something we talk about")
        BREAK = "break", _("A break")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("easy-read description"), blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TOPIC)
    # How long the item is planned to take; its timer starts with this many minutes.
    minutes = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)
    # When the item's timer runs out (set by the server; screens count down to it).
    ends_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_position_unique")
        ]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting to be let in")
        PRESENT = "present", _("Present")
        LEFT = "left", _("Left")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PRESENT)
    via = models.CharField(max_length=20, default="code")
    # Ties a name to the phone that claimed it, so nobody else can pick it later.
    device_token = models.CharField(max_length=64, blank=True)
    # Another phone asking for this name: it waits until the facilitator confirms.
    claim_token = models.CharField(max_length=64, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} at {self.meeting_id}: {self.status}"
