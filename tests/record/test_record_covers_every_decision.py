"""What the pages and exports show as the record is bound by the chain: a change shows.

Each case changes one row behind the app's back, as someone with the database could,
and `verify_audit` must then name the table and the row.
"""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from deliberation.models import ActionUpdate
from deliberation.services import comments as comment_services
from deliberation.services import proposals as proposal_services
from tests import factories
from tests.audit.conftest import build_record, json_param, run_sql

pytestmark = pytest.mark.django_db


def verify() -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, str(exc) + err.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def whole(forum, meeting, people, lead):
    built = build_record(forum, meeting, people)
    built["chat"] = factories.decision(meeting, outcome="We meet in the library.")
    built["idea"] = proposal_services.proposal_create(
        forum=forum,
        author=people["lived_experience"][0],
        title="Later buses",
        summary="Buses stop at 6. We want to go out later.",
        symbol="transport",
        body="",
    )
    proposal_services.proposal_status_change(
        proposal=built["idea"], to="shortlisted", reason="Lots of people want it.", by=lead
    )
    built["update"] = ActionUpdate.objects.get(action=built["action"])
    built["comment"] = comment_services.comment_add(
        proposal=built["idea"], author=people["staff"][0], body="Yes, the 9pm bus."
    )
    assert verify()[0] == 0
    return built


TEXT = "%s"
CASES = [
    ("deliberation_decision", "decision", "outcome", TEXT, "We will close the day centre."),
    ("deliberation_decision", "decision", "outcome_easy_read", TEXT, "We close it."),
    ("deliberation_decision", "decision", "rationale", TEXT, "Nobody goes there."),
    ("deliberation_decision", "decision", "result", "json", {"outcome": "no", "voters": 1}),
    ("deliberation_decision", "decision", "attendance", "json", {"staff": 40}),
    ("deliberation_poll", "named", "question", TEXT, "Fewer buses?"),
    ("deliberation_poll", "named", "result", "json", {"outcome": "no", "voters": 1}),
    ("deliberation_poll", "named", "status", TEXT, "open"),
    ("deliberation_action", "action", "status", TEXT, "done"),
    ("deliberation_action", "action", "due_on", TEXT, "2031-01-01"),
    ("deliberation_actionupdate", "update", "status_after", TEXT, "done"),
    ("deliberation_actionupdate", "update", "note", TEXT, "We did nothing."),
    ("deliberation_comment", "comment", "body", TEXT, "No buses at all."),
    ("deliberation_proposal", "idea", "status", TEXT, "adopted"),
]


@pytest.mark.parametrize(("table", "key", "column", "kind", "value"), CASES)
def test_a_changed_row_is_named_by_its_table_and_row(whole, table, key, column, kind, value):
    row = whole[key]
    if kind == "json":
        run_sql(
            f"UPDATE {table} SET {column} = {json_param()} WHERE id = %s",
            [json.dumps(value), row.pk],
        )
    else:
        run_sql(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, row.pk])
    code, said = verify()
    assert code == 1, said
    assert f"{table} row {row.pk}:" in said


def test_a_deleted_decision_is_named(whole):
    chat = whole["chat"]
    run_sql("DELETE FROM deliberation_decision WHERE id = %s", [chat.pk])
    code, said = verify()
    assert code == 1, said
    assert f"deliberation_decision row {chat.pk}: it was deleted" in said
