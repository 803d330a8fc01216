"""The second baseline of bench/joins.py: Django as coprod runs it, with three trivial views.

coprod's settings, middleware, session store, database and HTTP handler
(`coprod.handler`), served by `python -m coprod.server` as `make run` does, but views
that do almost nothing: the personal link's page is a CSRF field and a button, its
POST keeps one value in the session (as joining does) and redirects, and the phone page
reads it back. What a join costs here is what Django costs before coprod's own work;
the distance between this line and coprod's is what coprod's views could still save.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coprod.settings")

from django.conf import settings  # noqa: E402
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect  # noqa: E402
from django.middleware.csrf import get_token  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.http import require_GET, require_http_methods  # noqa: E402

settings.ROOT_URLCONF = __name__
MEETING = 1  # bench/joins.py asks for /m/1/ when it measures this app


@require_http_methods(["GET", "POST"])
def link(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        request.session["member"] = token
        return HttpResponseRedirect(f"/m/{MEETING}/")
    field = f'<input type="hidden" name="csrfmiddlewaretoken" value="{get_token(request)}">'
    return HttpResponse(f"<!doctype html><form method=post>{field}<button>Yes</button></form>")


@require_GET
def phone(request: HttpRequest, meeting_id: int) -> HttpResponse:
    if "member" not in request.session:
        return HttpResponse("not joined", status=403)
    return HttpResponse(
        '<!doctype html><script id="live-config" type="application/json">{}</script>'
    )


urlpatterns = [
    path("i/<str:token>/", link),
    path("m/<int:meeting_id>/", phone),
    path("", phone, {"meeting_id": MEETING}),
]

from coprod.handler import get_asgi_application  # noqa: E402

application = get_asgi_application()
