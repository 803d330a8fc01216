"""Phones opening their page at once share one build of the meeting's snapshot."""

import threading
import time

import pytest
from django.db import connections

from deliberation.selectors import meetings as meeting_selectors
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_phones_asking_while_the_snapshot_is_built_wait_for_that_build(monkeypatch, settings):
    settings.PHONE_SNAPSHOT_SECONDS = 30
    forum = factories.forum()
    meeting = factories.open_meeting(forum)
    people = [factories.member(forum) for _ in range(8)]
    for person in people:
        factories.join(meeting, person)
    builds: list[int] = []
    build = meeting_selectors.phone_shared_snapshot

    def slow_build(meeting_id: int):
        builds.append(meeting_id)
        time.sleep(0.3)  # long enough for every phone to ask meanwhile
        return build(meeting_id)

    monkeypatch.setattr(meeting_selectors, "phone_shared_snapshot", slow_build)
    start = threading.Barrier(len(people))
    snapshots: dict[int, dict] = {}
    errors: list[BaseException] = []

    def open_page(person) -> None:
        try:
            start.wait(5)
            snapshots[person.pk] = meeting_selectors.phone_snapshot(meeting.pk, person)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=open_page, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert builds == [meeting.pk]
    # Each phone still got its own part: its own name on its own snapshot.
    assert {pk: snap["me"]["member"] for pk, snap in snapshots.items()} == {
        person.pk: person.pk for person in people
    }
    assert len({snap["version"] for snap in snapshots.values()}) == 1
