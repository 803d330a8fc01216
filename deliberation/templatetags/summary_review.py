"""Template helpers for the easy-read summary review: where a meeting's summary is."""

from django import template

from deliberation.models import Meeting, Summary
from deliberation.views.summaries import status_view

register = template.Library()


@register.simple_tag
def summary_state(meeting: Meeting) -> dict[str, str]:
    """Describe a meeting's summary status: {% summary_state meeting as state %}."""
    return status_view(Summary.objects.filter(meeting=meeting).first())
