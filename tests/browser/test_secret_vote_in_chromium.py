"""A secret vote in Chromium: the phone's key is out of reach of page scripts.

The phone changes its secret vote over the live connection, and no script on the page
can read, send or receive the key that opens it.
"""

import re
import time

from django.urls import reverse
from playwright.sync_api import expect

QUESTION = "Should day centres open on Saturdays?"
DEVICE_COOKIE = "coprod_device_key"


def join_by_code(page, demo, name):
    page.goto(reverse("deliberation:join"))
    page.get_by_role("textbox").first.fill(demo["meeting"].join_code.lower())
    page.get_by_role("button", name=re.compile("join|next|go", re.I)).first.click()
    page.get_by_role("button", name=re.compile(name)).click()
    expect(page).to_have_url(re.compile(reverse("deliberation:phone", args=[demo["meeting"].pk])))


def secret_answers(poll) -> list:
    from deliberation.models import SecretBallot

    return list(SecretBallot.objects.filter(poll=poll).values_list("answer", flat=True))


def wait_for_answers(poll, expected: list, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while secret_answers(poll) != expected and time.monotonic() < deadline:
        time.sleep(0.1)
    assert secret_answers(poll) == expected


def wait_for_snapshot(phone, received: list[str], timeout: float = 10) -> None:
    """Wait until the live connection has its snapshot: only then does the page vote over it."""
    deadline = time.monotonic() + timeout
    while not any('"snapshot"' in frame for frame in received) and time.monotonic() < deadline:
        phone.wait_for_timeout(100)
    assert any('"snapshot"' in frame for frame in received), received


def vote(phone, choice: str) -> None:
    phone.locator("label.choice").get_by_text(choice, exact=True).click()
    phone.get_by_role("button", name="Send my vote").click()
    expect(phone.get_by_text("Your vote is saved.").first).to_be_visible()


def test_a_secret_vote_changes_from_the_phone_and_no_script_sees_its_key(demo, new_context):
    from deliberation.models import Poll
    from deliberation.services.polls import poll_open

    poll = Poll.objects.get(question=QUESTION)
    Poll.objects.filter(pk=poll.pk).update(secret=True)
    poll_open(poll=Poll.objects.get(pk=poll.pk))
    context = new_context()
    phone = context.new_page()
    posts: list[str] = []
    phone.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    sent: list[str] = []
    received: list[str] = []

    def watch(socket):
        socket.on("framesent", lambda payload: sent.append(str(payload)))
        socket.on("framereceived", lambda payload: received.append(str(payload)))

    phone.on("websocket", watch)
    join_by_code(phone, demo, "Amira Khan")
    expect(phone.get_by_role("heading", name=QUESTION)).to_be_visible()
    expect(phone.get_by_text(re.compile("This vote is secret")).first).to_be_visible()
    wait_for_snapshot(phone, received)
    posts.clear()  # the join form's own POSTs

    [device] = [c for c in context.cookies() if c["name"] == DEVICE_COOKIE]
    assert device["httpOnly"] is True
    cookies_seen_by_scripts = phone.evaluate("document.cookie")
    assert DEVICE_COOKIE not in cookies_seen_by_scripts
    assert device["value"] not in cookies_seen_by_scripts
    assert "coprod_secret" not in cookies_seen_by_scripts

    vote(phone, "Agree")
    wait_for_answers(poll, [{"choice": "agree"}])
    vote(phone, "Disagree")
    wait_for_answers(poll, [{"choice": "disagree"}])

    # After a reload the same phone still changes its vote.
    received.clear()
    phone.reload()
    expect(phone.get_by_role("heading", name=QUESTION)).to_be_visible()
    wait_for_snapshot(phone, received)
    vote(phone, "Not sure")
    wait_for_answers(poll, [{"choice": "not_sure"}])

    assert posts == []  # every vote went over the live connection, not the plain form
    assert any('"ballot.cast"' in frame for frame in sent)
    assert not any('"token"' in frame for frame in sent + received)
    assert device["value"] not in " ".join(sent + received)
    assert DEVICE_COOKIE not in phone.evaluate("document.cookie")
