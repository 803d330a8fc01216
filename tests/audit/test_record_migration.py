"""Rows made before the chain bound them are bound once, by a migration's record.bound event.

Migration 0004 bound decisions, polls, actions, progress and proposals; 0007 the options of
polls (their labels), which the chain binds with each poll since.
"""

import datetime
import importlib

import pytest
from django.apps import apps
from django.db import transaction

from deliberation import audit
from deliberation.models import Action, AuditEvent, PollOption
from tests.audit.conftest import run_sql

pytestmark = pytest.mark.django_db

migration = importlib.import_module("deliberation.migrations.0004_record_beside")
options_migration = importlib.import_module("deliberation.migrations.0007_bind_poll_options")


def test_the_migrations_bind_the_fields_the_app_binds():
    bound = {**migration.BOUND, **options_migration.BOUND}
    assert bound == {model.__name__: fields for model, fields in audit.BOUND.items()}
    assert not set(migration.BOUND) & set(options_migration.BOUND)


def test_a_row_from_before_is_bound_by_the_migration_and_then_checked(forum, record):
    # An action as one was stored before the chain bound rows: no event binds it.
    old = Action.objects.create(
        decision=record["decision"],
        forum=forum,
        description="Ask about the Sunday bus.",
        owner_name="Transport team",
        due_on=datetime.date(2026, 1, 5),
    )
    report = audit.verify_all()
    assert [p.describe() for p in report.problems] == [
        f"forum {forum.slug!r} (id {forum.pk}): deliberation_action row {old.pk}: "
        "no event in the record binds it"
    ]

    with transaction.atomic():
        migration.bind_existing(apps, None)
    bound = AuditEvent.objects.filter(forum=forum, kind="record.bound").get()
    assert bound.payload["v"] == 2 and f"deliberation_action:{old.pk}" in bound.payload["binds"]
    # The migration's digests are the app's: everything made since still checks.
    assert audit.verify_all().ok

    run_sql("UPDATE deliberation_action SET status = 'done' WHERE id = %s", [old.pk])
    problems = [p.describe() for p in audit.verify_all().problems]
    assert len(problems) == 1 and f"deliberation_action row {old.pk}: it was changed" in problems[0]


def test_options_from_before_are_bound_by_migration_0007_and_then_checked(forum, meeting):
    from tests import factories

    poll = factories.poll(meeting, "dots", options=("Buses", "Parks"))
    created = AuditEvent.objects.get(forum=forum, kind="poll.created", payload__poll=poll.pk)
    for option in PollOption.objects.filter(poll=poll):
        assert f"deliberation_polloption:{option.pk}" in created.payload["binds"]
    # An option as polls kept them before the chain bound options: no event binds it.
    unbound = PollOption.objects.create(poll=poll, key="shops", label="Shops", position=2)
    problems = [p.describe() for p in audit.verify_all().problems]
    assert problems == [
        f"forum {forum.slug!r} (id {forum.pk}): deliberation_polloption row {unbound.pk}: "
        "no event in the record binds it"
    ]

    with transaction.atomic():
        options_migration.bind_existing(apps, None)
    bound = AuditEvent.objects.filter(forum=forum, kind="record.bound").get()
    assert set(bound.payload["binds"]) == {
        f"deliberation_polloption:{pk}"
        for pk in PollOption.objects.filter(poll=poll).values_list("pk", flat=True)
    }
    # The migration's digests are the app's.
    assert audit.verify_all().ok

    run_sql("UPDATE deliberation_polloption SET label = 'Cars' WHERE id = %s", [unbound.pk])
    problems = [p.describe() for p in audit.verify_all().problems]
    assert len(problems) == 1
    assert f"deliberation_polloption row {unbound.pk}: it was changed" in problems[0]
