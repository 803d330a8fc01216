"""Easy-read summaries for facilitators: build, review with the checker, sign off.

Being built: every view here answers 404 until it is written.
"""

from django.http import Http404, HttpRequest, HttpResponse


def _not_yet(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


summary_review = summary_build_view = summary_point = summary_sign_off_view = _not_yet
symbol_picker = _not_yet
