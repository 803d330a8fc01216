"""Forums and their members: the three voices and their roles."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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
