"""Pages read through the selectors: the number of queries does not grow with the data."""

import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_console_and_forum_queries_do_not_grow_with_people(facilitator_client, forum, meeting):
    urls = [
        reverse("deliberation:console", args=[forum.slug, meeting.pk]),
        reverse("deliberation:forum", args=[forum.slug]),
        reverse("deliberation:cards", args=[forum.slug]),
        reverse("deliberation:projector", args=[meeting.projector_token]),
    ]
    factories.people(forum, meeting)
    factories.poll(meeting, "yes_no")
    before = [count_queries(facilitator_client, url) for url in urls]
    factories.people(forum, meeting)
    factories.poll(meeting, "score", open_=False)
    after = [count_queries(facilitator_client, url) for url in urls]
    # One more poll may add a constant few; more people must add nothing.
    for url, b, a in zip(urls, before, after, strict=True):
        assert a <= b + 6, (url, b, a)


def test_phone_page_queries_are_few(client, meeting, members, join, open_poll):
    poll = open_poll("yes_no")
    join(client, meeting, members["alice"])
    client.post(
        reverse("deliberation:vote", args=[meeting.pk, poll.pk]),
        {"client_id": str(uuid.uuid4()), "choice": "yes"},
    )
    assert count_queries(client, reverse("deliberation:phone", args=[meeting.pk])) <= 25
