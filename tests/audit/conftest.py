"""A forum with a whole record: votes named and secret, decisions, actions, progress."""

from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection

from deliberation.services import actions as action_services
from deliberation.services import polls as poll_services
from tests import factories

AUDIT_TABLE = "deliberation_auditevent"


def build_record(forum: Any, meeting: Any, people: dict[str, Any]) -> dict[str, Any]:
    named = factories.poll(meeting, "yes_no", question="More buses?")
    for person in people["lived_experience"] + people["staff"]:
        factories.cast(named, person, {"choice": "yes"})
    factories.cast(named, people["commissioner"][0], {"choice": "no"})
    poll_services.hand_count_set(
        poll=named, constituency="commissioner", counts={"yes": 2}, entered_by=None
    )
    poll_services.poll_close(poll=named)
    named.refresh_from_db()

    secret = factories.poll(meeting, "traffic_light", question="Later buses?", secret=True)
    tokens = {}
    for person in people["lived_experience"] + people["commissioner"]:
        tokens[person.pk] = factories.cast(secret, person, {"choice": "agree"}).secret_token
    poll_services.poll_close(poll=secret)
    secret.refresh_from_db()

    decision = factories.decision(meeting, named)
    action = factories.action(decision, owner=people["commissioner"][1])
    action_services.action_progress_add(
        action=action, note="We wrote to the bus company.", status="in_progress"
    )
    return {"named": named, "secret": secret, "tokens": tokens, "decision": decision,
            "action": action}  # fmt: skip


@pytest.fixture
def record(forum, meeting, people) -> dict[str, Any]:
    return build_record(forum, meeting, people)


def run_sql(sql: str, params: list[Any] | tuple[Any, ...] = ()) -> None:
    """Run raw SQL as someone with direct access to the database would."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@contextmanager
def trigger_off():
    """Get past PostgreSQL's append-only trigger, as a database superuser could.

    In "replica" mode PostgreSQL fires no ordinary triggers for this session.
    """
    if connection.vendor != "postgresql":
        yield
        return
    run_sql("SET session_replication_role = replica")
    try:
        yield
    finally:
        run_sql("SET session_replication_role = DEFAULT")


def json_param() -> str:
    return "%s::jsonb" if connection.vendor == "postgresql" else "%s"
