"""Summaries made directly in the tables (the builder is tested on its own)."""

from typing import Any

import pytest
from django.utils import timezone

from deliberation.models import Member, Summary, SummaryPoint
from tests import factories

POINTS = [
    ("meeting", "meeting", "We met at the Riverside Centre.",
     "Gwnaethom gwrdd yng Nghanolfan Glan yr Afon."),
    ("people", "people", "12 people came to the meeting.", "Daeth 12 o bobl i'r cyfarfod."),
    ("decision", "decision", "We decided to ask for buses after 6 o'clock.",
     "Gwnaethom benderfynu gofyn am fysiau ar ôl 6 o'r gloch."),
    ("action", "action", "Hari will write to the bus company by 1 June.",
     "Bydd Hari yn ysgrifennu at y cwmni bysiau erbyn 1 Mehefin."),
]  # fmt: skip


def make_summary(meeting: Any, *, signed_by: Member | None = None) -> Summary:
    """Make a summary of the meeting with four points in English and Welsh."""
    summary = Summary.objects.create(meeting=meeting, forum=meeting.forum)
    for position, (kind, symbol, text, text_cy) in enumerate(POINTS, start=1):
        SummaryPoint.objects.create(
            summary=summary, position=position, kind=kind, symbol=symbol, text=text,
            text_cy=text_cy,
        )  # fmt: skip
    if signed_by is not None:
        sign_off(summary, signed_by)
    return summary


def sign_off(summary: Summary, member: Member) -> Summary:
    """Record a sign-off as the sign-off service would."""
    summary.signed_off_by = member
    summary.signed_off_at = timezone.now()
    summary.signed_off_note = "Easy to read."
    summary.save(update_fields=["signed_off_by", "signed_off_at", "signed_off_note"])
    return summary


@pytest.fixture
def checker(forum) -> Member:
    """A member with lived experience who checks summaries."""
    return factories.member(forum, "lived_experience", name="Amira")


@pytest.fixture
def summary(meeting) -> Summary:
    return make_summary(meeting)


@pytest.fixture
def signed_summary(meeting, checker) -> Summary:
    return make_summary(meeting, signed_by=checker)
