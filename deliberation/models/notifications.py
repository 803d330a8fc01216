"""Notifications of new proposals and comments, and how often each member wants them."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deliberation.models.forums import Member
from deliberation.models.proposals import Comment, Proposal


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


class Notification(models.Model):
    """One new proposal or comment to tell one member about; sent at most once."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="notifications")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    frequency = models.CharField(max_length=10, choices=NotifyFrequency.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # A failed email is tried again later, less often each time, up to a limit
    # (services.notifications.MAX_ATTEMPTS); the last error says why it did not go.
    attempts = models.PositiveIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["sent_at", "frequency", "member"])]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "proposal"],
                condition=Q(comment__isnull=True),
                name="notify_once_per_proposal",
            ),
            models.UniqueConstraint(
                fields=["member", "comment"],
                condition=Q(comment__isnull=False),
                name="notify_once_per_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"Tell {self.member_id} about {self.proposal_id}/{self.comment_id}"
