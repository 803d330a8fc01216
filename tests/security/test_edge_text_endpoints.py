"""The endpoints that answer as you type take any text without failing.

They store nothing, so they need not refuse control characters; they must not answer
500 on them. Django decodes form bytes with replacement, so no lone surrogate arrives
over HTTP, while a malformed UTF-8 sequence (which would be one) is replaced.
"""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ODD = ["no\u0000", "bell\u0007 esc\u001b[2J", "tab\tline\r\n", "é🙂"]


@pytest.mark.parametrize("text", ODD)
def test_the_easy_read_check_answers_any_text(facilitator_client, forum, text):
    response = facilitator_client.post(
        reverse("deliberation:easyread_check", args=[forum.slug]), {"text": text}
    )
    assert response.status_code == 200
    assert "findings" in response.json()


def test_the_easy_read_check_replaces_bytes_that_are_not_utf8(facilitator_client, forum):
    response = facilitator_client.post(
        reverse("deliberation:easyread_check", args=[forum.slug]),
        b"text=%ED%A0%80+and+%FF",  # a UTF-8-encoded surrogate, then a stray byte
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200


@pytest.mark.parametrize("text", ODD)
def test_the_markdown_preview_answers_any_text(facilitator_client, text):
    response = facilitator_client.post(reverse("markdownx_markdownify"), {"content": text})
    assert response.status_code == 200
    response.content.decode()
