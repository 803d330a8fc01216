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
from django.urls import reverse
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
from deliberation.services import actions as action_services
from deliberation.services import agenda as agenda_services
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
        # Bound like any row the pages show (whether it is hidden): here by hand, as the
        # record.bound event of an upgrade would; one that no event binds is named.
        audit.append(forum_id=forum.pk, actor="system", kind="record.bound",
                     payload=audit.binding(old))  # fmt: skip
    assert verify()[0] == 0

    run_sql("UPDATE deliberation_comment SET body_html = %s WHERE id = %s", ["<p>New</p>", old.pk])
    code, said = verify()
    assert code == 1, said
    assert f"deliberation_comment row {old.pk}: its body_html is not the rendering" in said

    # Forgetting its author blanks it beside an event that keeps the words: it verifies.
    forum_services.member_erase(member=author)
    assert verify()[0] == 0


@pytest.fixture
def shown(whole, forum, meeting, people, lead):
    """The settings, the hiding and the reasons the pages show, made by the services."""
    built = dict(whole)
    built["item"] = agenda_services.agenda_item_add(meeting=meeting, title="Buses")
    built["open"] = factories.poll(meeting, "yes_no", question="Cheaper buses?", open_=False)
    proposal_services.proposal_edit(
        proposal=whole["idea"], editor=lead, title="Later buses, please",
        summary="Buses stop at 6. We want them until 10.", symbol="transport",
        body="The **last** bus goes at 6pm.",
    )  # fmt: skip
    built["rude"] = comment_services.comment_add(
        proposal=whole["idea"], author=people["staff"][1], body="Silly idea."
    )
    comment_services.comment_hide(comment=built["rude"], by=lead, reason="Please be kind.")
    built["back"] = comment_services.comment_add(
        proposal=whole["idea"], author=people["staff"][1], body="Sorry, I mean later buses."
    )
    comment_services.comment_hide(comment=built["back"], by=lead, reason="By mistake.")
    comment_services.comment_unhide(comment=built["back"], by=lead)
    built["spam"] = proposal_services.proposal_create(
        forum=forum, author=people["staff"][2], title="Buy my bikes",
        summary="Cheap bikes for sale.", symbol="transport", body="",
    )  # fmt: skip
    proposal_services.proposal_hide(proposal=built["spam"], by=lead, reason="An advert.")
    built["stopped"] = factories.action(whole["decision"], description="Ask for a night bus.")
    action_services.action_progress_add(
        action=built["stopped"], note="The council said no night buses.", status="dropped",
        author=people["lived_experience"][2],
    )  # fmt: skip
    code, said = verify()
    assert code == 0, said
    return built


SHOWN = [
    # A poll's settings: how it was counted and who could see what.
    ("deliberation_poll", "named", "weighting", "per_person"),
    ("deliberation_poll", "named", "secret", True),
    ("deliberation_poll", "open", "secret", True),
    ("deliberation_poll", "named", "results_shown", "closed"),
    ("deliberation_poll", "named", "results_shown_at", "2026-01-01T00:00:00+00:00"),
    ("deliberation_poll", "named", "dots", 5),
    ("deliberation_poll", "named", "double_majority", True),
    ("deliberation_poll", "open", "lived_experience_consent", True),
    ("deliberation_poll", "named", "meeting_id", None),
    # A proposal's words, as the pages show them.
    ("deliberation_proposal", "idea", "title", "Fewer buses"),
    ("deliberation_proposal", "idea", "summary", "Buses stop at 4."),
    ("deliberation_proposal", "idea", "body", "The last bus goes at 4pm."),
    ("deliberation_proposal", "idea", "body_html", "<p>The last bus goes at 4pm.</p>"),
    ("deliberation_proposal", "idea", "symbol", "money"),
    # Hidden by a facilitator, with a reason, or shown again.
    ("deliberation_proposal", "spam", "hidden_at", None),
    ("deliberation_proposal", "spam", "hidden_reason", "It is rude."),
    ("deliberation_proposal", "idea", "hidden_reason", "It is rude."),
    ("deliberation_comment", "rude", "hidden_at", None),
    ("deliberation_comment", "rude", "hidden_reason", "It is kind."),
    ("deliberation_comment", "back", "hidden_reason", "It is rude."),
    # Why an action stopped: the words of the note that stopped it.
    ("deliberation_action", "stopped", "dropped_reason", "We forgot."),
    ("deliberation_action", "action", "dropped_reason", "We forgot."),
]


@pytest.mark.parametrize(("table", "key", "column", "value"), SHOWN)
def test_a_changed_setting_hiding_or_reason_is_named(shown, table, key, column, value):
    row = shown[key]
    run_sql(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, row.pk])
    code, said = verify()
    assert code == 1, said
    assert f"{table} row {row.pk}:" in said


def test_a_poll_moved_to_another_agenda_item_is_named(shown):
    poll = shown["open"]
    run_sql(
        "UPDATE deliberation_poll SET agenda_item_id = %s WHERE id = %s",
        [shown["item"].pk, poll.pk],
    )
    code, said = verify()
    assert code == 1, said
    assert f"deliberation_poll row {poll.pk}:" in said


@pytest.mark.parametrize(("table", "key"), [("deliberation_comment", "rude"),
                                            ("deliberation_proposal", "spam")])  # fmt: skip
def test_who_hid_it_is_bound(shown, people, table, key):
    row = shown[key]
    run_sql(f"UPDATE {table} SET hidden_by_id = %s WHERE id = %s", [people["staff"][0].pk, row.pk])
    code, said = verify()
    assert code == 1, said
    assert f"{table} row {row.pk}:" in said


def test_hiding_by_the_services_verifies(shown, lead):
    proposal_services.proposal_unhide(proposal=shown["spam"], by=lead)
    comment_services.comment_unhide(comment=shown["rude"], by=lead)
    proposal_services.proposal_hide(proposal=shown["idea"], by=lead, reason="Wait a week.")
    code, said = verify()
    assert code == 0, said


def test_forgetting_the_note_writer_blanks_why_an_action_stopped(
    shown, people, forum, facilitator_client
):
    stopped = shown["stopped"]
    page = reverse("deliberation:action", args=[forum.slug, stopped.pk])
    assert "The council said no night buses." in facilitator_client.get(page).text
    forum_services.member_erase(member=people["lived_experience"][2])
    stopped.refresh_from_db()
    assert stopped.status == "dropped"
    assert stopped.dropped_reason == ""
    shown_now = facilitator_client.get(page).text
    assert "The council said no night buses." not in shown_now
    assert "Why it stopped" not in shown_now  # no empty heading in its place
    code, said = verify()
    assert code == 0, said

    # The words put back are named: the note they came from was erased.
    run_sql(
        "UPDATE deliberation_action SET dropped_reason = %s WHERE id = %s",
        ["The council said no night buses.", stopped.pk],
    )
    code, said = verify()
    assert code == 1, said
    assert f"deliberation_action row {stopped.pk}: its dropped_reason is not blank" in said


def test_forgetting_someone_else_keeps_why_an_action_stopped(shown, people):
    stopped = shown["stopped"]
    forum_services.member_erase(member=people["staff"][1])
    stopped.refresh_from_db()
    assert stopped.dropped_reason == "The council said no night buses."
    code, said = verify()
    assert code == 0, said
