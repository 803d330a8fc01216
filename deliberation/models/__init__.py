"""Tables of coprod: fields, constraints and small properties only."""

import datetime
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deliberation import methods

# Letters and digits that cannot be mistaken for each other when read off a projector.
JOIN_CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY34679"
JOIN_CODE_LENGTH = 6


def new_join_code() -> str:
    """Return a short code that is easy to read aloud and type on a phone."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def new_token() -> str:
    """Return an unguessable URL-safe token."""
    return secrets.token_urlsafe(18)


class Constituency(models.TextChoices):
    LIVED_EXPERIENCE = "lived_experience", _("Lived experience")
    STAFF = "staff", _("Staff")
    COMMISSIONER = "commissioner", _("Commissioner")


class Role(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    FACILITATOR = "facilitator", _("Facilitator")
    SUPPORTER = "supporter", _("Supporter")
    OBSERVER = "observer", _("Observer")


class CommunicationNeed(models.TextChoices):
    """Needs flagged as the NHS Accessible Information Standard asks."""

    EASY_READ = "easy_read", _("Easy read")
    LARGE_PRINT = "large_print", _("Large print")
    AUDIO = "audio", _("Audio (read aloud)")
    INTERPRETER = "interpreter", _("British Sign Language interpreter")
    WELSH = "welsh", _("Welsh")
    PAPER = "paper", _("Paper by post")
    EMAIL = "email", _("Email")


class Weighting(models.TextChoices):
    PARITY = "parity", _("Each group counts the same (parity)")
    PER_PERSON = "per_person", _("One person, one vote")


class Forum(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name for web addresses"), max_length=60, unique=True)
    description = models.TextField(_("what this forum is for"), blank=True)
    default_weighting = models.CharField(
        _("how votes are weighed"),
        max_length=20,
        choices=Weighting.choices,
        default=Weighting.PARITY,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Head of this forum's audit chain; locked to append an event.
    audit_head = models.CharField(max_length=64, default="0" * 64)
    audit_seq = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
    )
    name = models.CharField(_("name"), max_length=120)
    constituency = models.CharField(_("which voice"), max_length=20, choices=Constituency.choices)
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.PARTICIPANT
    )
    communication_needs = models.JSONField(_("communication needs"), default=list, blank=True)
    # When the needs were last checked with the person, and when to ask again (NHS AIS).
    needs_review_on = models.DateField(_("check these needs again on"), null=True, blank=True)
    # Where paper copies go; only facilitators see it.
    postal_address = models.TextField(_("postal address"), blank=True)
    supports = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="supporters",
        verbose_name=_("people this supporter helps"),
    )
    invite_token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    is_guest = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["forum", "user"],
                condition=Q(user__isnull=False),
                name="member_one_per_user_per_forum",
            ),
            models.CheckConstraint(
                condition=Q(constituency__in=Constituency.values), name="member_constituency_valid"
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="member_role_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def can_vote(self) -> bool:
        return self.is_active and self.role != Role.OBSERVER


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
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("easy-read description"), blank=True)

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


class Poll(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Not open yet")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Method(models.TextChoices):
        TRAFFIC_LIGHT = "traffic_light", _("Traffic light: agree, not sure, disagree")
        YES_NO = "yes_no", _("Yes or no")
        DOTS = "dots", _("Dots: spread your dots")
        RANKED = "ranked", _("Ranking: put in order")
        SCORE = "score", _("Score: 0 to 5 for each")
        CONSENT = "consent", _("Consent: consent, concern or objection")

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="polls")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="polls"
    )
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="polls"
    )
    question = models.CharField(_("question"), max_length=300)
    method = models.CharField(_("how people vote"), max_length=20, choices=Method.choices)
    dots = models.PositiveSmallIntegerField(_("dots for each person"), default=0)
    weighting = models.CharField(
        _("main result uses"), max_length=20, choices=Weighting.choices, default=Weighting.PARITY
    )
    secret = models.BooleanField(
        _("secret vote: no names are shown or kept with votes"), default=False
    )
    results_hidden = models.BooleanField(_("hide results until the vote closes"), default=False)
    double_majority = models.BooleanField(
        _("needs a majority in every group, not just overall"), default=False
    )
    lived_experience_consent = models.BooleanField(
        _("needs no objection from people with lived experience"), default=False
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Frozen at close: the result as methods.tally returned it, and the RFC 6962 Merkle
    # root over all its ballots (audit.seal), also recorded in the poll.closed event.
    result = models.JSONField(null=True, blank=True)
    ballot_root = models.CharField(max_length=64, blank=True)
    # A check-back poll asks "Is this what we agreed?" about an earlier decision.
    check_back_of = models.ForeignKey(
        "Decision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="check_backs",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=list(methods.METHODS)), name="poll_method_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.question

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def results_visible(self) -> bool:
        # An open secret poll shows only how many have voted: any count that moves with
        # each vote tells the room what the person who just pressed the button chose.
        return self.is_closed or not (self.results_hidden or self.secret)

    @property
    def is_single_choice(self) -> bool:
        return self.method in methods.SINGLE_CHOICE


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    key = models.SlugField(max_length=40)
    label = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField()
    symbol = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["poll", "position"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "key"], name="option_key_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class Source(models.TextChoices):
    DIRECT = "direct", _("Own vote")
    ASSISTED = "assisted", _("Vote with a supporter")
    PAPER = "paper", _("Paper vote entered by the facilitator")
    REMOTE = "remote", _("Vote between meetings, counted with the meeting's")


class Ballot(models.Model):
    """A named ballot: one per member per poll, the last answer counts."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, null=True, blank=True, related_name="ballots"
    )
    constituency = models.CharField(max_length=20, choices=Constituency.choices)
    answer = models.JSONField()
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.DIRECT)
    assisted_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="assisted_ballots"
    )
    client_id = models.UUIDField()
    cast_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "member"],
                condition=Q(member__isnull=False),
                name="ballot_one_per_member",
            ),
            models.UniqueConstraint(fields=["poll", "client_id"], name="ballot_client_id_unique"),
        ]

    def __str__(self) -> str:
        return f"Ballot {self.pk} in poll {self.poll_id}"


class SecretBallot(models.Model):
    """What was voted in a secret poll, kept apart from who voted.

    It has a random key, no time and no member: nothing here orders or links it to a
    Participation. Only the phone that cast it holds the token whose hash is stored, so
    the voter (and nobody else) can change the answer while the poll is open.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="secret_ballots")
    constituency = models.CharField(max_length=20, choices=Constituency.choices)
    answer = models.JSONField()
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.DIRECT)
    token_hash = models.CharField(max_length=64, blank=True)
    client_id = models.UUIDField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "client_id"], name="secret_client_id_unique"),
        ]

    def __str__(self) -> str:
        return f"Secret ballot in poll {self.poll_id}"


class Participation(models.Model):
    """Who has voted in a secret poll, with nothing that says what."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="participations")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="participations")
    assisted = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "member"], name="participation_once")
        ]

    def __str__(self) -> str:
        return f"Member {self.member_id} voted in poll {self.poll_id}"


class HandCount(models.Model):
    """Votes counted by show of hands or on paper, entered by a facilitator."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="hand_counts")
    constituency = models.CharField(max_length=20, choices=Constituency.choices)
    choice = models.CharField(max_length=40)
    count = models.PositiveIntegerField()
    entered_by = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "constituency", "choice"], name="hand_count_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.count} {self.choice} ({self.constituency}) in poll {self.poll_id}"


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


# -- proposal threads (between meetings) --------------------------------------------


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
    """Store a photo under a random name: the name a phone gave it may say too much."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"proposals/{instance.proposal.forum_id}/{secrets.token_urlsafe(16)}.{extension}"


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


class ForumPollSchedule(models.Model):
    """When a forum poll between meetings opens and closes, and where its votes went."""

    poll = models.OneToOneField(Poll, on_delete=models.CASCADE, related_name="schedule")
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    counted_in = models.ForeignKey(
        Poll, on_delete=models.SET_NULL, null=True, blank=True, related_name="counted_from"
    )
    counted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="schedule_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return f"Poll {self.poll_id}: {self.opens_at} to {self.closes_at}"


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


# -- "you said, we did": actions that follow a decision --------------------------------


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
            models.CheckConstraint(
                condition=~Q(status=ActionStatus.DROPPED) | ~Q(dropped_reason=""),
                name="action_dropped_has_reason",
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
    """Store a photo under a random name: the name a phone gave it may say too much."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"actions/{instance.action.forum_id}/{secrets.token_urlsafe(16)}.{extension}"


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


# -- easy read: the forum's own words, and the summary after each meeting -------------


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

    summary = models.ForeignKey(Summary, on_delete=models.CASCADE, related_name="sends")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="summary_sends")
    format = models.CharField(max_length=10, choices=Format.choices, blank=True)
    language = models.CharField(max_length=5, default="en")
    large_print = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices)
    detail = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveIntegerField(default=1)
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["member__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["summary", "member"], name="summary_send_once"),
            models.CheckConstraint(
                condition=Q(status__in=["sent", "to_print", "failed", "not_sent"]),
                name="summary_send_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.summary_id} → {self.member_id}: {self.status}"
