"""Easy-read summaries as a web page, a PDF and a print pack; sending them to members.

Being built: every view here answers 404 until it is written.
"""

from django.http import Http404, HttpRequest, HttpResponse


def _not_yet(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


summary_send_view = summary_resend_view = print_pack = summary_page = summary_pdf = _not_yet
