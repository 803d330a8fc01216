"""Easy read: the forum's own words, and the summary after each meeting."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deliberation.models.forums import Forum, Member
from deliberation.models.meetings import Meeting


class GlossaryEntry(models.Model):
    """A forum's own word: an abbreviation it explains, or jargon with plainer words."""

    class Kind(models.TextChoices):
        GLOSSARY = "glossary", _("A short form we explain")
        JARGON = "jargon", _("A hard word to avoid")

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="glossary")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    term = models.CharField(_("word or short form"), max_length=60)
    plain = models.CharField(_("what it means, in plain words"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "term"]
        constraints = [
            models.UniqueConstraint(
                fields=["forum", "kind", "term"], name="glossary_term_unique_per_forum"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["glossary", "jargon"]), name="glossary_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term}: {self.plain}"


class PointKind(models.TextChoices):
    """What a summary point is about; each kind has a default symbol."""

    MEETING = "meeting", _("The meeting")
    PEOPLE = "people", _("Who came")
    VOTE = "vote", _("A vote")
    AGREE = "agree", _("We agreed")
    DISAGREE = "disagree", _("We did not agree")
    DECISION = "decision", _("A decision")
    ACTION = "action", _("Something to do")
    PERSON = "person", _("A person")
    DATE = "date", _("A date")
    PLACE = "place", _("A place")
    QUESTION = "question", _("A question")
    BREAK = "break", _("A break")


class WelshStatus(models.TextChoices):
    """Whether a summary point's Welsh says what its English says."""

    CHECKED = "checked", _("The Welsh is checked")
    NEEDS_CHECK = "needs_check", _("The Welsh needs a check")
    KEPT = "kept", _("The Welsh is kept as it is")


class Summary(models.Model):
    """The easy-read summary of one meeting: points, sign-off, and when it was sent."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="summary")
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="summaries")
    built_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Inclusion Europe: a person with lived experience checks it before it goes out.
    # Any change to a point after sign-off clears it (the service does this).
    signed_off_by = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_note = models.TextField(_("what they said"), blank=True)
    # The forum's audit chain head when it was first sent: "the record code".
    record_code = models.CharField(max_length=64, blank=True)
    first_sent_at = models.DateTimeField(null=True, blank=True)
    # The points whose easy-read advice the person signing off read and accepted.
    findings_confirmed = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-built_at"]
        verbose_name_plural = "summaries"

    def __str__(self) -> str:
        return f"Summary of {self.meeting}"

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_by_id is not None and self.signed_off_at is not None


class SummaryPoint(models.Model):
    """One short point of a summary, with its picture, in English and (if given) Welsh."""

    summary = models.ForeignKey(Summary, on_delete=models.CASCADE, related_name="points")
    position = models.PositiveIntegerField()
    kind = models.CharField(_("kind"), max_length=20, choices=PointKind.choices)
    symbol = models.CharField(_("picture"), max_length=40)
    text = models.TextField(_("words"))
    text_cy = models.TextField(_("words in Welsh"), blank=True)
    # Changing the English marks the Welsh as needing a check (the service does this).
    welsh_status = models.CharField(
        max_length=20, choices=WelshStatus.choices, default=WelshStatus.CHECKED
    )

    class Meta:
        ordering = ["summary", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["summary", "position"], name="summary_point_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=PointKind.values), name="summary_point_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def text_in(self, language: str) -> str:
        """Return the point's words in a language, falling back to English."""
        if language.startswith("cy") and self.text_cy.strip():
            return self.text_cy
        return self.text


class SummarySend(models.Model):
    """How one member was given the summary: one row per member, updated on a resend."""

    class Format(models.TextChoices):
        EMAIL = "email", _("Email with a PDF")
        POST = "post", _("Paper by post")

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        TO_PRINT = "to_print", _("In the pack to print and post")
        FAILED = "failed", _("Could not be sent")
        NOT_SENT = "not_sent", _("Not sent: no way to reach them")
        QUEUED = "queued", _("Waiting to be sent")

    summary = models.ForeignKey(Summary, on_delete=models.CASCADE, related_name="sends")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="summary_sends")
    format = models.CharField(max_length=10, choices=Format.choices, blank=True)
    language = models.CharField(max_length=5, default="en")
    large_print = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices)
    detail = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveIntegerField(default=1)
    sent_at = models.DateTimeField()
    # A failed email is tried again by the worker at this time (none: no more tries).
    retry_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["member__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["summary", "member"], name="summary_send_once"),
            models.CheckConstraint(
                condition=Q(status__in=["sent", "to_print", "failed", "not_sent", "queued"]),
                name="summary_send_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.summary_id} → {self.member_id}: {self.status}"
