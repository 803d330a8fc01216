"""The guides: how to take part in a meeting, and how to run one. Open to everyone."""

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from deliberation import display


@require_GET
def participant_guide(request: HttpRequest) -> HttpResponse:
    """Show the easy-read guide for people taking part in a meeting."""
    example = [
        {"key": key, "label": display.CHOICES[key], "tone": display.TONES[key]}
        for key in ("agree", "not_sure", "disagree")
    ]
    return render(request, "deliberation/guides/participant.html", {"example": example})


@require_GET
def facilitator_guide(request: HttpRequest) -> HttpResponse:
    """Show the guide for facilitators: running the room, from joining to the summary."""
    # A picture of a break as the projector shows it, 15 minutes from now.
    ends_at = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(minutes=15)
    example_break = {"id": 0, "kind": "break", "ends_at": ends_at.isoformat()}
    return render(request, "deliberation/guides/facilitator.html", {"example_break": example_break})
