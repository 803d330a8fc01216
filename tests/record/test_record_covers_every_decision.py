"""What the pages and exports show as the record is bound by the chain: a change shows.

Each case changes one row behind the app's back, as someone with the database could,
and `verify_audit` must then name the table and the row.
"""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from deliberation import audit, markdown
from deliberation.models import (
    ActionUpdate,
    AuditEvent,
    Comment,
    CommentRevision,
    Forum,
    PollOption,
)
from deliberation.services import comments as comment_services
from deliberation.services import forums as forum_services
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
    built["edited"] = comment_services.comment_add(
        proposal=built["idea"], author=people["staff"][0], body="The *8pm* bus."
    )
    comment_services.comment_edit(
        comment=built["edited"], editor=people["staff"][0], body="The **9pm** bus, sorry."
    )
    built["revision"] = CommentRevision.objects.get(comment=built["edited"])
    # The label people voted on, shown on pages, exports and the decision.
    built["option"] = PollOption.objects.get(poll=built["named"], key="yes")
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
    # What the page shows: the HTML rendered from the words when they were saved.
    ("deliberation_comment", "comment", "body_html", TEXT, "<p>No buses at all.</p>"),
    ("deliberation_comment", "edited", "body_html", TEXT, "<p>The <strong>7pm</strong> bus</p>"),
    ("deliberation_commentrevision", "revision", "body", TEXT, "The 6pm bus."),
    ("deliberation_commentrevision", "revision", "body_html", TEXT, "<p>The 6pm bus.</p>"),
    ("deliberation_polloption", "option", "label", TEXT, "No, fewer buses"),
    ("deliberation_polloption", "option", "key", TEXT, "maybe"),
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


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ("deliberation_comment", "comment"),
        ("deliberation_actionupdate", "update"),
        ("deliberation_polloption", "option"),
    ],
)
def test_a_deleted_row_the_chain_names_is_named(whole, table, key):
    row = whole[key]
    run_sql(f"DELETE FROM {table} WHERE id = %s", [row.pk])
    code, said = verify()
    assert code == 1, said
    assert f"{table} row {row.pk}: it was deleted" in said


def test_a_deleted_earlier_text_of_a_comment_is_named(whole):
    run_sql("DELETE FROM deliberation_commentrevision WHERE id = %s", [whole["revision"].pk])
    code, said = verify()
    assert code == 1, said
    assert (
        f"deliberation_comment row {whole['edited'].pk}: an earlier text of it was deleted" in said
    )


def test_an_added_option_or_earlier_text_is_named(whole):
    added = PollOption.objects.create(poll=whole["named"], key="maybe", label="Maybe", position=9)
    extra = CommentRevision.objects.create(
        comment=whole["comment"], body="Made up.", body_html="<p>Made up.</p>",
        written_at=whole["comment"].created_at,
    )  # fmt: skip
    code, said = verify()
    assert code == 1, said
    assert f"deliberation_polloption row {added.pk}: no event in the record binds it" in said
    assert f"deliberation_commentrevision row {extra.pk}: no event in the record kept" in said


def test_erased_words_verify_and_stay_blank(whole, people):
    author = people["staff"][0]
    forum_services.member_erase(member=author)
    blanked = Comment.objects.filter(author=author).values_list("body", "body_html")
    assert set(blanked) == {("", "")}
    assert set(CommentRevision.objects.values_list("body", "body_html")) == {("", "")}
    code, said = verify()
    assert code == 0, said

    # Words put back into an erased row are named: the record says it is blank.
    comment = whole["edited"]
    run_sql(
        "UPDATE deliberation_comment SET body_html = %s WHERE id = %s", ["<p>Back.</p>", comment.pk]
    )
    code, said = verify()
    assert code == 1, said
    assert f"deliberation_comment row {comment.pk}: its body_html is not blank" in said


def legacy_event(forum: Forum, kind: str, payload: dict) -> AuditEvent:
    """Append an event as the chain held them before record v2: personal words inline."""
    forum.refresh_from_db()
    event = AuditEvent(
        forum=forum, seq=forum.audit_seq + 1, created_at=timezone.now(), actor="system",
        kind=kind, payload=payload, prev_hash=forum.audit_head,
    )  # fmt: skip
    event.hash = audit.link_hash(event.prev_hash, audit.event_body(event))
    event.save()
    Forum.objects.filter(pk=forum.pk).update(audit_head=event.hash, audit_seq=event.seq)
    return event


def test_a_comment_from_before_record_v2_is_checked_against_its_inline_words(whole, forum, people):
    author = people["lived_experience"][1]
    words = "An *old* comment."
    with transaction.atomic():
        old = Comment.objects.create(
            proposal=whole["idea"], author=author, body=words,
            body_html=str(markdown.render(words)),
        )  # fmt: skip
        legacy_event(
            forum, "comment.added",
            {"proposal": whole["idea"].pk, "comment": old.pk, "parent": None,
             "author": author.pk, "body": words},
        )  # fmt: skip
    assert verify()[0] == 0

    run_sql("UPDATE deliberation_comment SET body_html = %s WHERE id = %s", ["<p>New</p>", old.pk])
    code, said = verify()
    assert code == 1, said
    assert f"deliberation_comment row {old.pk}: its body_html is not the rendering" in said

    # Forgetting its author blanks it beside an event that keeps the words: it verifies.
    forum_services.member_erase(member=author)
    assert verify()[0] == 0
