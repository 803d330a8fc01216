"""The baseline of bench/joins.py: daphne answering a join's three requests with fixed text.

No Django, no database: a plain ASGI app that gives the personal link's page (with a CSRF
field), answers its POST with the redirect to the phone page, and gives a phone page
with the live config's marker. Run by `bench/joins.py` in plain daphne, as
`python -m daphne bare_join:application` from this directory, so the same load client
measures what daphne itself can serve on this machine.
"""

from typing import Any

LINK_PAGE = (
    b"<!doctype html><html lang=en><title>Is this you?</title><form method=post>"
    b'<input type="hidden" name="csrfmiddlewaretoken" value="bare-baseline-token">'
    b"<button>Yes, this is me</button></form></html>"
)
PHONE_PAGE = (
    b'<!doctype html><html lang=en><title>Meeting</title><script id="live-config" '
    b'type="application/json">{}</script></html>'
)
MEETING = 1  # bench/joins.py asks for /m/1/ when it measures this app


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    # Read the whole body, as a form post would be read.
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    path, method = scope["path"], scope["method"]
    if path.startswith("/i/") and method == "POST":
        status, headers, body = 302, [(b"location", f"/m/{MEETING}/".encode())], b""
    elif path.startswith("/i/"):
        status, headers, body = 200, [(b"content-type", b"text/html")], LINK_PAGE
    elif path == f"/m/{MEETING}/" or path == "/":
        status, headers, body = 200, [(b"content-type", b"text/html")], PHONE_PAGE
    else:
        status, headers, body = 404, [], b""
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
