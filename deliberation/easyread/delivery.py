"""Choose how each member gets an easy-read summary, from their communication needs.

Pure Python: no Django. The needs are the values of models.CommunicationNeed. The rule:

- Language: Welsh ("cy") if "welsh" is in the needs, else English ("en").
- Large print if "large_print" is in the needs.
- "paper" chosen and a postal address known: paper by post. Paper is a request for a
  printed copy, so it wins over email when both are chosen.
- Else "email" chosen (their consent to be emailed) and an address known: email.
- Else large print without email consent and a postal address known: paper by post
  (a large-print reader who has not asked for email gets it printed).
- Else "paper" chosen but no postal address, with email consent and an address: email
  (with a note for the facilitator).
- Else nobody is emailed without consent: the summary is not sent, with a reason the
  facilitator can act on (REASONS keys).
"""

from collections.abc import Iterable
from dataclasses import dataclass

EMAIL = "email"
POST = "post"

# Why a member cannot be given the summary, or a note on how they were; the service
# turns each key into plain words.
NO_POSTAL_ADDRESS = "no_postal_address"
NO_EMAIL_ADDRESS = "no_email_address"
NO_EMAIL_CONSENT = "no_email_consent"
NO_WAY_CHOSEN = "no_way_chosen"
EMAILED_NO_ADDRESS = "emailed_no_postal_address"
REASONS = (NO_POSTAL_ADDRESS, NO_EMAIL_ADDRESS, NO_EMAIL_CONSENT, NO_WAY_CHOSEN)


@dataclass(frozen=True)
class Route:
    """How one member gets the summary: a format, or None with a reason."""

    format: str | None
    language: str
    large_print: bool
    reason: str = ""

    @property
    def reachable(self) -> bool:
        return self.format is not None


def reading(needs: Iterable[str]) -> tuple[str, bool]:
    """Return the language ("cy" or "en") and whether large print, from someone's needs."""
    chosen = set(needs)
    return ("cy" if "welsh" in chosen else "en"), "large_print" in chosen


def route(needs: Iterable[str], *, has_email: bool, has_address: bool) -> Route:
    """Choose the format, language and print size of one member's summary."""
    chosen = set(needs)
    language, large = reading(chosen)
    wants_paper = "paper" in chosen
    email_ok = "email" in chosen and has_email

    def to(fmt: str | None, reason: str = "") -> Route:
        return Route(format=fmt, language=language, large_print=large, reason=reason)

    if wants_paper and has_address:
        return to(POST)
    if email_ok:
        return to(EMAIL, EMAILED_NO_ADDRESS if wants_paper else "")
    if large and has_address:
        return to(POST)
    if wants_paper or large:
        return to(None, NO_POSTAL_ADDRESS)
    if "email" in chosen:
        return to(None, NO_EMAIL_ADDRESS)
    if has_email:
        return to(None, NO_EMAIL_CONSENT)
    return to(None, NO_WAY_CHOSEN)
