"""Notifications of new proposals and comments, and of followed ideas; how often by email."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deliberation.models.forums import Member
from deliberation.models.polls import Poll
from deliberation.models.proposals import Comment, Proposal
from deliberation.models.record import Action, Decision


class NotifyFrequency(models.TextChoices):
    NONE = "none", _("No emails")
    EACH = "each", _("An email for each new thing")
    DAILY = "daily", _("One email a day with everything new")


class NotificationPreference(models.Model):
    """How a member wants to hear about new proposals and comments."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="notify")
    email = models.EmailField(_("email address"), blank=True)
    frequency = models.CharField(
        max_length=10, choices=NotifyFrequency.choices, default=NotifyFrequency.NONE
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Member {self.member_id}: {self.frequency}"


class NoticeKind(models.TextChoices):
    PROPOSAL = "proposal", _("New idea")
    COMMENT = "comment", _("New comment")
    STATUS = "status", _("An idea moved on")
    VOTE_OPEN = "vote_open", _("A vote is open")
    VOTE_CLOSING = "vote_closing", _("A vote closes soon")
    DECISION = "decision", _("A decision")
    ACTION = "action", _("An action")


# Kinds told once per member per vote (the vote, not each idea in it).
ONCE_PER_VOTE = (NoticeKind.VOTE_OPEN, NoticeKind.VOTE_CLOSING)


class ProposalFollow(models.Model):
    """A member following an idea: told when it moves on. On for its author and supporters."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="follows")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="follows")
    # A member who stops following keeps the row, so supporting later does not re-follow.
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "proposal"], name="follow_once"),
        ]

    def __str__(self) -> str:
        return f"Member {self.member_id} follows {self.proposal_id}: {self.active}"


class Notification(models.Model):
    """One thing to tell one member about, on their home page and (if they chose) by email.

    Emailed at most once (`sent_at`); a member who chose no emails gets the notice on
    their home only (`frequency` "none" is never sent).
    """

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=NoticeKind.choices, default=NoticeKind.PROPOSAL)
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # What the notice is about, by kind: the status an idea moved to, the vote, the
    # decision or the action.
    status = models.CharField(max_length=20, blank=True)
    poll = models.ForeignKey(
        Poll, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    frequency = models.CharField(max_length=10, choices=NotifyFrequency.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # A failed email is tried again later, less often each time, up to a limit
    # (services.notifications.MAX_ATTEMPTS); the last error says why it did not go.
    attempts = models.PositiveIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["sent_at", "frequency", "member"]),
            models.Index(fields=["member", "read_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "proposal"],
                condition=Q(comment__isnull=True, kind="proposal"),
                name="notify_once_per_proposal",
            ),
            models.UniqueConstraint(
                fields=["member", "poll", "kind"],
                condition=Q(kind__in=["vote_open", "vote_closing"]),
                name="notify_once_per_vote",
            ),
            models.UniqueConstraint(
                fields=["member", "comment"],
                condition=Q(comment__isnull=False),
                name="notify_once_per_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"Tell {self.member_id} about {self.proposal_id}/{self.comment_id}"
