"""Meeting as equals: hands up with a fair speaking queue, and cards from the phone."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deliberation.models.forums import Constituency, Member
from deliberation.models.meetings import Meeting


class SpeakingSettings(models.Model):
    """How a meeting's speaking queue works; a meeting without a row uses the defaults."""

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, related_name="speaking_settings"
    )
    lived_experience_first = models.BooleanField(
        _("people with lived experience speak first"), default=False
    )
    show_names = models.BooleanField(_("show names on the projector"), default=True)
    # Seconds each person may speak; none means the projector counts up.
    time_limit = models.PositiveIntegerField(_("time to speak"), null=True, blank=True)

    def __str__(self) -> str:
        return f"speaking settings of {self.meeting_id}"


class SpeakingTurn(models.Model):
    """One hand raised in a meeting, and the turn it led to."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting to speak")
        SPEAKING = "speaking", _("Speaking")
        DONE = "done", _("Finished")
        WITHDRAWN = "withdrawn", _("Hand down")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="speaking_turns")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="speaking_turns")
    # The group as it was when they spoke, so the airtime of a meeting never moves.
    constituency = models.CharField(max_length=20, choices=Constituency.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    asked_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                condition=Q(status__in=["waiting", "speaking"]),
                name="speaking_one_hand_each",
            ),
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(status="speaking"),
                name="speaking_one_at_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} at {self.meeting_id}: {self.status}"

    @property
    def seconds(self) -> int:
        """Return how long this turn lasted (0 if it never started or has not ended)."""
        if self.started_at is None or self.ended_at is None:
            return 0
        return max(0, round((self.ended_at - self.started_at).total_seconds()))


class CardKind(models.TextChoices):
    DONT_UNDERSTAND = "dont_understand", _("I don't understand")
    SLOW_DOWN = "slow_down", _("Slow down")
    JARGON = "jargon", _("Jargon!")
    BREAK = "break", _("I need a break")


class Card(models.Model):
    """A card shown from a phone, up until the facilitator clears the cards.

    An anonymous card keeps who showed it only while it is up, so that their phone can
    say it is up and nobody shows the same card twice; no page, socket or event names
    them, and clearing the card forgets them (`member` becomes empty).
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="cards")
    member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="cards"
    )
    kind = models.CharField(max_length=20, choices=CardKind.choices)
    anonymous = models.BooleanField(default=True)
    shown_at = models.DateTimeField(default=timezone.now)
    # Every card cleared together gets the same time: one stop in the meeting.
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member", "kind"],
                condition=Q(cleared_at__isnull=True),
                name="card_up_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} at {self.meeting_id}"
