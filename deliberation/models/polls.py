"""Polls and ballots: options, named and secret ballots, hand counts, forum poll schedules."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deliberation import methods
from deliberation.models.forums import Constituency, Forum, Member, Weighting
from deliberation.models.meetings import AgendaItem, Meeting


class ResultsShown(models.TextChoices):
    """When a poll's results are shown before it closes (a secret poll's: only at close)."""

    LIVE = "live", _("While people vote")
    ALL_VOTED = "all_voted", _("When everyone here has voted, or when the facilitator shows them")
    CLOSED = "closed", _("When the vote closes")


# From the least hidden to the most: an open poll's setting may only move right.
RESULTS_SHOWN_ORDER: tuple[str, ...] = (
    ResultsShown.LIVE,
    ResultsShown.ALL_VOTED,
    ResultsShown.CLOSED,
)


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
    results_shown = models.CharField(
        _("show the results"),
        max_length=10,
        choices=ResultsShown.choices,
        default=ResultsShown.ALL_VOTED,
    )
    # When the results of an ALL_VOTED poll were shown before it closed: everyone here
    # had voted, or the facilitator showed them (poll_results_show). Never unset.
    results_shown_at = models.DateTimeField(null=True, blank=True)
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
    # Goes up by one in every transaction that changes what the poll's tally shows
    # (realtime.tally_changed), under the poll's row lock: every daphne process reads it
    # with the count it numbers, so screens keep the newest tally whichever process sent it.
    tally_seq = models.PositiveBigIntegerField(default=0, editable=False)
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
        if self.is_closed:
            return True
        if self.secret:
            return False
        if self.results_shown == ResultsShown.ALL_VOTED:
            return self.results_shown_at is not None
        return self.results_shown == ResultsShown.LIVE

    @property
    def may_show_results_early(self) -> bool:
        """Say whether the facilitator may show this open poll's results now."""
        return (
            self.is_open
            and not self.secret
            and self.results_shown == ResultsShown.ALL_VOTED
            and self.results_shown_at is None
        )

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
