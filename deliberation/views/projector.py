"""The projector view: the secret is the token in the address, so no sign-in."""

import io
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from deliberation import display
from deliberation.models import Meeting
from deliberation.selectors import meetings as meeting_selectors
from deliberation.views.common import current_item, pick_poll


def join_url(request: HttpRequest, meeting: Meeting) -> str:
    """Return the full address a phone opens to join this meeting.

    In room mode (README) a projector opened on the laptop itself shows the address of
    the laptop on the room's network, which the phones can reach.
    """
    path = reverse("deliberation:join_meeting", args=[meeting.join_code])
    if settings.ROOM_URL and split_domain_port(request.get_host())[0] not in settings.ROOM_HOSTS:
        return settings.ROOM_URL + path
    return request.build_absolute_uri(path)


def qr_svg(data: str, *, scale: int = 10, title: str = "") -> bytes:
    """Draw a QR code as an SVG document, dark on white so it scans on a dark screen."""
    buffer = io.BytesIO()
    segno.make(data, error="m").save(
        buffer, kind="svg", scale=scale, border=4, dark="#000", light="#fff", title=title or None
    )
    return buffer.getvalue()


def qr_inline(data: str) -> str:
    """Draw a QR code as inline SVG that scales to its box."""
    return segno.make(data, error="m").svg_inline(
        scale=1, border=4, dark="#000", light="#fff", omitsize=True
    )


def group_counts(present: dict[str, int]) -> list[dict[str, object]]:
    return [
        {
            "key": key,
            "label": display.group_label(key),
            "symbol": display.GROUP_SYMBOLS[key],
            "count": present.get(key, 0),
        }
        for key in display.GROUPS
    ]


@require_GET
def projector(request: HttpRequest, projector_token: str) -> HttpResponse:
    """Show the meeting on the big screen: question, live results, join code."""
    meeting = get_object_or_404(
        Meeting.objects.select_related("forum"), projector_token=projector_token
    )
    snapshot = meeting_selectors.meeting_snapshot(meeting.pk, audience="projector")
    # A finished meeting shows that it has finished: no last results, no join code.
    finished = snapshot["meeting"]["status"] == Meeting.Status.CLOSED
    poll, is_open = (None, False) if finished else pick_poll(snapshot)
    url = join_url(request, meeting)
    return render(
        request,
        "deliberation/projector.html",
        {
            "meeting": meeting,
            "snapshot": snapshot,
            "item": None if finished else current_item(snapshot),
            "finished": finished,
            "poll": poll,
            "is_open": is_open,
            "options": display.option_views(poll) if poll else [],
            "results": display.build_results(poll) if poll else None,
            "groups": group_counts(snapshot["attendance"]["present"]),
            "join_url": url,
            "join_host": urlsplit(url).netloc,
            "config_script": display.live_config_script(),
            "ws_url": f"/ws/projector/{meeting.projector_token}/",
        },
    )


@require_GET
def projector_qr(request: HttpRequest, projector_token: str) -> HttpResponse:
    """Serve the join QR code of the meeting as SVG."""
    meeting = get_object_or_404(Meeting, projector_token=projector_token)
    svg = qr_svg(join_url(request, meeting), title=meeting.join_code)
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=3600"
    return response
