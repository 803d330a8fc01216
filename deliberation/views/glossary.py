"""A forum's own words for the easy-read checker: short forms it explains, jargon to avoid.

Being built: the view answers 404 until it is written.
"""

from django.http import Http404, HttpRequest, HttpResponse


def glossary(request: HttpRequest, slug: str) -> HttpResponse:
    raise Http404
