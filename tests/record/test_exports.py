"""Open data: the CSV and JSON say what the log page says; the chain re-verifies offline."""

import csv
import hashlib
import io
import json
import re

import pytest
from django.urls import reverse

from deliberation.models import AuditEvent, Forum
from deliberation.views.exports import CSV_COLUMNS

pytestmark = pytest.mark.django_db


def page_rows(client, forum, query=""):
    """Read the log page as a person sees it: each decision's id, status and outcome."""
    url = reverse("deliberation:decision_log", args=[forum.slug]) + query
    html = client.get(url).content.decode()
    entries = re.findall(
        r'data-decision="(\d+)">\s*<h2 class="decision-outcome"><a [^>]*>([^<]*)</a>.*?'
        r'data-status="([a-z_]+)"',
        html,
        re.S,
    )
    return [(int(pk), status, words) for pk, words, status in entries]


def csv_rows(client, forum, query=""):
    url = reverse("deliberation:decisions_csv", args=[forum.slug]) + query
    response = client.get(url)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    reader = csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig")))
    assert reader.fieldnames == CSV_COLUMNS
    return list(reader)


def json_data(client, forum, query=""):
    url = reverse("deliberation:decisions_json", args=[forum.slug]) + query
    return json.loads(client.get(url).getvalue())


@pytest.mark.parametrize("query", ["", "?status=overdue", "?status=done", "?status=in_progress"])
def test_csv_and_json_list_what_the_page_lists(facilitator_client, forum, record, query):
    shown = page_rows(facilitator_client, forum, query)
    assert shown or query == "?status=in_progress"
    rows = csv_rows(facilitator_client, forum, query)
    data = json_data(facilitator_client, forum, query)

    assert [(int(r["decision_id"]), r["status"]) for r in rows] == [(p, s) for p, s, _w in shown]
    assert [(d["id"], d["status"]) for d in data["decisions"]] == [(p, s) for p, s, _w in shown]
    for (_pk, _status, words), row, item in zip(shown, rows, data["decisions"], strict=True):
        assert words in (row["outcome_easy_read"], row["outcome"])
        assert words in (item["outcome_easy_read"], item["outcome"])
        assert row["audit_hash"] == item["audit_hash"]


def test_the_exports_carry_the_frozen_result_attendance_and_actions(
    facilitator_client, forum, record
):
    decision = record["decision"]
    (row,) = [
        r for r in csv_rows(facilitator_client, forum) if r["decision_id"] == str(decision.pk)
    ]
    assert row["method"] == "yes_no" and row["weighting"] == "parity"
    assert row["passed"] == "yes" and row["voters"] == "9"
    assert (row["present_lived_experience"], row["present_staff"]) == ("3", "4")
    assert row["ballot_root"] == record["named"].ballot_root
    assert (row["actions"], row["actions_overdue"], row["status"]) == ("2", "1", "overdue")

    data = json_data(facilitator_client, forum)
    assert data["format"] == "coprod-decision-log/1"
    forum.refresh_from_db()
    assert data["audit_head"] == {"hash": forum.audit_head, "seq": forum.audit_seq}
    (item,) = [d for d in data["decisions"] if d["id"] == decision.pk]
    assert item["result"] == decision.result
    assert item["attendance"] == {"lived_experience": 3, "staff": 4, "commissioner": 3}
    late = next(a for a in item["actions"] if a["id"] == record["late"].pk)
    assert late["overdue"] is True and late["status"] == "planned"
    progress = next(a for a in item["actions"] if a["id"] == record["action"].pk)
    assert progress["updates"][0]["status_after"] == "in_progress"


def test_a_cell_that_looks_like_a_formula_is_defused(facilitator_client, forum, meeting):
    from tests import factories

    factories.decision(meeting, outcome='=HYPERLINK("http://evil")', outcome_easy_read="")
    (row,) = csv_rows(facilitator_client, forum)
    assert row["outcome"] == '\'=HYPERLINK("http://evil")'


def verify_jsonl(lines: list[bytes]) -> tuple[int, str]:
    """Check a chain as anyone can, knowing only the README: not a line of coprod's code."""
    prev = "0" * 64
    for n, line in enumerate(lines, start=1):
        event = json.loads(line)
        body = {k: event[k] for k in ("forum", "seq", "time", "actor", "kind", "payload")}
        data = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert event["seq"] == n, f"event {n} is missing"
        assert event["prev_hash"] == prev, f"event {n} does not follow event {n - 1}"
        assert hashlib.sha256((prev + data).encode()).hexdigest() == event["hash"], n
        prev = event["hash"]
    return len(lines), prev


def test_the_audit_chain_re_verifies_offline(facilitator_client, forum, record):
    response = facilitator_client.get(reverse("deliberation:audit_jsonl", args=[forum.slug]))
    assert response["Content-Type"].startswith("application/jsonl")
    lines = response.getvalue().splitlines()
    count, head = verify_jsonl(lines)
    forum = Forum.objects.get(pk=forum.pk)
    assert (count, head) == (forum.audit_seq, forum.audit_head)
    # The head is the one the log page shows, so a printed copy can be compared.
    page = facilitator_client.get(reverse("deliberation:decision_log", args=[forum.slug]))
    assert head in page.content.decode()

    # And the offline check notices a change, as verify_audit does.
    event = json.loads(lines[4])
    event["payload"]["changed_by_hand"] = True
    lines[4] = json.dumps(event).encode()
    with pytest.raises(AssertionError, match="5"):
        verify_jsonl(lines)


def test_the_chain_export_has_every_event_of_this_forum_only(facilitator_client, forum, record):
    from tests import factories

    other = factories.forum()
    factories.member(other, "staff")
    lines = (
        facilitator_client.get(reverse("deliberation:audit_jsonl", args=[forum.slug]))
        .getvalue()
        .splitlines()
    )
    assert {json.loads(line)["forum"] for line in lines} == {forum.pk}
    assert len(lines) == AuditEvent.objects.filter(forum=forum).count()
