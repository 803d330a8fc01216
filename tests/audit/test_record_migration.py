"""Rows made before the chain bound them are bound once, by migration 0004's record.bound event."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.db import transaction

from deliberation import audit
from deliberation.models import Action, AuditEvent
from tests.audit.conftest import run_sql

pytestmark = pytest.mark.django_db

migration = importlib.import_module("deliberation.migrations.0004_record_beside")


def test_the_migration_binds_the_fields_the_app_binds():
    assert migration.BOUND == {model.__name__: fields for model, fields in audit.BOUND.items()}


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
