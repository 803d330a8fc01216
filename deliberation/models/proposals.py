"""Proposal threads between meetings: proposals, photos, events, comments, support."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deliberation import photos
from deliberation.models.forums import (
    Constituency,
    Forum,
    Member,
)
from deliberation.models.meetings import Meeting
from deliberation.models.polls import Poll, PollOption


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Open for ideas")
    SHORTLISTED = "shortlisted", _("On the shortlist")
    DECIDED = "decided", _("Voted on")
    ADOPTED = "adopted", _("We will do it")
    NOT_ADOPTED = "not_adopted", _("We will not do it")
    WITHDRAWN = "withdrawn", _("Taken back by the person who wrote it")


class Proposal(models.Model):
    """A priority or idea a member puts forward between meetings."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="proposals")
    author = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, related_name="proposals"
    )
    # Kept with the proposal so support by group stays right if the member changes group.
    author_constituency = models.CharField(max_length=20, choices=Constituency.choices)
    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(_("summary"), max_length=400)
    symbol = models.CharField(_("picture"), max_length=40)
    body = models.TextField(_("more about it"), blank=True)
    # The body as sanitised HTML, rendered once when saved (deliberation.markdown).
    body_html = models.TextField(blank=True, editable=False)
    status = models.CharField(
        max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["forum", "status", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProposalStatus.values), name="proposal_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


def proposal_photo_path(instance: "ProposalPhoto", filename: str) -> str:
    """Store a proposal's photo under a random name (photos.stored_name)."""
    return photos.stored_name("proposals", instance.proposal.forum_id, filename)


class ProposalPhoto(models.Model):
    """A photo attached to a proposal, re-encoded so it carries no location or metadata."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        upload_to=proposal_photo_path, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    description = models.CharField(_("what the photo shows"), max_length=200)
    added_by = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        return self.description


class ProposalEvent(models.Model):
    """One entry of a proposal's timeline: made, changed, moved on, put to a vote."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Proposed")
        EDITED = "edited", _("Changed")
        STATUS = "status", _("Moved on")
        SCHEDULED = "scheduled", _("Put on a meeting agenda")
        HIDDEN = "hidden", _("Hidden")
        SHOWN = "shown", _("Shown again")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status_from = models.CharField(max_length=20, blank=True)
    status_to = models.CharField(max_length=20, blank=True)
    reason = models.TextField(blank=True)
    # A reason the system wrote: a stable code and its values, put in words when shown
    # (deliberation.display.event_reason), so it reads in the page's language.
    reason_code = models.CharField(max_length=40, blank=True)
    reason_args = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    poll = models.ForeignKey(
        Poll, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.kind}"


class ProposalRevision(models.Model):
    """The words a proposal had before someone changed them; kept and shown on its page."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(max_length=120)
    summary = models.CharField(max_length=400)
    symbol = models.CharField(max_length=40)
    body = models.TextField(blank=True)
    body_html = models.TextField(blank=True, editable=False)
    written_at = models.DateTimeField()
    replaced_at = models.DateTimeField(auto_now_add=True)
    replaced_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return f"Earlier words of proposal {self.proposal_id}"


class ProposalPollLink(models.Model):
    """A proposal put to a vote: one option of a poll, or the whole (yes/no-style) poll."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="poll_links")
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="proposal_links")
    option = models.OneToOneField(
        PollOption, on_delete=models.CASCADE, null=True, blank=True, related_name="proposal_link"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "proposal"], name="proposal_once_per_poll")
        ]

    def __str__(self) -> str:
        return f"Proposal {self.proposal_id} in poll {self.poll_id}"


class Comment(models.Model):
    """A comment on a proposal, or a reply to one (one level of replies)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(_("comment"))
    # The body as sanitised HTML, rendered once when saved (deliberation.markdown).
    body_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["proposal", "parent", "created_at"])]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.proposal_id}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class CommentRevision(models.Model):
    """The text a comment had before its author changed it; kept for the record."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    body_html = models.TextField(blank=True, editable=False)
    written_at = models.DateTimeField()
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return f"Earlier text of comment {self.comment_id}"


class Endorsement(models.Model):
    """A member saying "I support this" about a proposal, once."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="endorsements")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="endorsements")
    constituency = models.CharField(max_length=20, choices=Constituency.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["proposal", "member"], name="endorse_once")]

    def __str__(self) -> str:
        return f"Member {self.member_id} supports {self.proposal_id}"


class CommentReport(models.Model):
    """A member telling the facilitators about a comment, once; they hide it or dismiss it."""

    class Outcome(models.TextChoices):
        OPEN = "", _("Waiting")
        HIDDEN = "hidden", _("Comment hidden")
        DISMISSED = "dismissed", _("Left as it is")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="report_once"),
        ]

    def __str__(self) -> str:
        return f"Report on comment {self.comment_id}"
