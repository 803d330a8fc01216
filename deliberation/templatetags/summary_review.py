"""Template helpers for the easy-read summary review: where a meeting's summary is."""

from django import template

from deliberation import display
from deliberation.models import Meeting, Summary
from deliberation.services.summaries import summary_status

register = template.Library()


@register.simple_tag
def summary_state(meeting: Meeting) -> dict[str, str]:
    """Describe a meeting's summary status: {% summary_state meeting as state %}."""
    summary = Summary.objects.filter(meeting=meeting).first()
    return display.summary_status_view(summary_status(summary))
