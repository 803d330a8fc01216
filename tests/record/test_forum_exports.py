"""Exports of ideas, comments and votes between meetings: content, privacy, access, streaming."""

import csv
import datetime
import io
import json
import uuid

import pytest
from django.db import connection
from django.test import AsyncClient, Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from deliberation.models import Poll, Role
from deliberation.services import ballots as ballot_services
from deliberation.services import comments as comment_services
from deliberation.services import forum_polls as forum_poll_services
from deliberation.services import polls as poll_services
from deliberation.services import proposals as proposal_services
from deliberation.services.forums import MemberContact
from deliberation.views.forum_exports import COMMENT_COLUMNS, IDEA_COLUMNS, VOTE_COLUMNS
from tests import factories
from tests.record.conftest import member_client

pytestmark = pytest.mark.django_db

EXPORTS = ["ideas_csv", "ideas_json", "comments_csv", "comments_json", "votes_csv", "votes_json"]


def body(client, forum, name):
    response = client.get(reverse(f"deliberation:{name}", args=[forum.slug]))
    assert response.status_code == 200, name
    assert response.streaming, name
    return response, response.getvalue()


def csv_rows(client, forum, name, columns):
    response, content = body(client, forum, name)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{forum.slug}-{name[:-4]}.csv"'
    reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    assert reader.fieldnames == columns
    return list(reader)


def json_data(client, forum, name):
    response, content = body(client, forum, name)
    assert response["Content-Type"] == "application/json"
    return json.loads(content)


def idea(forum, author, n=1, **kwargs):
    return proposal_services.proposal_create(
        forum=forum,
        author=author,
        title=kwargs.get("title", f"Idea {n}: later buses"),
        summary="We want later buses.",
        symbol="transport",
        body=kwargs.get("body", "More about buses."),
    )


@pytest.fixture
def ffion(forum):
    return factories.member(
        forum,
        "lived_experience",
        name="Ffion Pritchard",
        contact=MemberContact(email="ffion@example.org", postal_address="1 Heol y Bont"),
    )


@pytest.fixture
def lead(forum, facilitator_user):
    return forum.members.get(user=facilitator_user)


@pytest.fixture
def threads(forum, ffion, lead):
    """Two ideas (one hidden), comments (one hidden, one that looks like a formula)."""
    shown = idea(forum, ffion, title="Buses after 6 pm")
    secret = idea(forum, ffion, title="Private words about Dai")
    proposal_services.proposal_hide(proposal=secret, by=lead, reason="Names a person.")
    proposal_services.proposal_endorse(proposal=shown, member=ffion)
    kept = comment_services.comment_add(proposal=shown, author=ffion, body="Yes, the 7pm bus.")
    reply = comment_services.comment_add(
        proposal=shown, author=ffion, body='=HYPERLINK("http://x")', parent=kept
    )
    gone = comment_services.comment_add(proposal=shown, author=ffion, body="Dai is rude.")
    comment_services.comment_hide(comment=gone, by=lead, reason="Unkind.")
    return {"shown": shown, "secret": secret, "kept": kept, "reply": reply, "gone": gone}


def forum_vote(forum, lead, *, secret, results_shown="live"):
    now = timezone.now()
    return forum_poll_services.forum_poll_create(
        forum=forum,
        by=lead,
        opens_at=now - datetime.timedelta(minutes=1),
        closes_at=now + datetime.timedelta(days=3),
        question="Shall we meet in the library?",
        method="yes_no",
        secret=secret,
        results_shown=results_shown,
    )


def vote(poll, member, choice):
    return ballot_services.ballot_cast(
        poll=poll,
        voter=member,
        cast_by=member,
        answer={"choice": choice},
        client_id=uuid.uuid4(),
        secret_token=uuid.uuid4().hex if poll.secret else None,
    )


@pytest.fixture
def votes(forum, lead, ffion):
    people = [ffion] + [factories.member(forum, c) for c in ("staff", "commissioner") * 2]
    named = forum_vote(forum, lead, secret=False)
    secret = forum_vote(forum, lead, secret=True)
    waiting = forum_vote(forum, lead, secret=False, results_shown="closed")
    for n, person in enumerate(people):
        vote(named, person, "yes" if n % 2 else "no")
        vote(secret, person, "yes")
        vote(waiting, person, "no")
    for poll in (named, secret):
        poll_services.poll_close(poll=Poll.objects.get(pk=poll.pk))
    return {"named": named, "secret": secret, "waiting": waiting, "people": people}


def test_ideas_export_lists_ideas_with_support_and_hides_hidden_words(
    facilitator_client, forum, threads
):
    rows = csv_rows(facilitator_client, forum, "ideas_csv", IDEA_COLUMNS)
    data = json_data(facilitator_client, forum, "ideas_json")
    assert [int(r["idea_id"]) for r in rows] == [i["id"] for i in data["ideas"]]
    shown, secret = rows
    assert shown["title"] == "Buses after 6 pm" and shown["author"] == "Ffion Pritchard"
    assert (shown["support_lived_experience"], shown["comments"]) == ("1", "2")
    assert shown["hidden"] == "no"
    assert (secret["hidden"], secret["hidden_reason"]) == ("yes", "Names a person.")
    assert secret["title"] == secret["summary"] == secret["body"] == secret["author"] == ""
    assert data["format"] == "coprod-ideas/1"
    assert data["ideas"][1]["hidden"] is True and data["ideas"][1]["title"] == ""
    forum.refresh_from_db()
    assert data["audit_head"] == {"hash": forum.audit_head, "seq": forum.audit_seq}
    for name in ("ideas_csv", "ideas_json"):
        assert b"Private words about Dai" not in body(facilitator_client, forum, name)[1]


def test_comments_export_hides_hidden_comments_and_defuses_formulas(
    facilitator_client, forum, threads
):
    rows = csv_rows(facilitator_client, forum, "comments_csv", COMMENT_COLUMNS)
    by_id = {int(r["comment_id"]): r for r in rows}
    kept, reply, gone = (by_id[threads[k].pk] for k in ("kept", "reply", "gone"))
    assert kept["body"] == "Yes, the 7pm bus." and kept["author"] == "Ffion Pritchard"
    assert kept["author_constituency"] == "lived_experience"
    assert reply["reply_to"] == str(threads["kept"].pk)
    # A spreadsheet would run this as a formula: it is kept as text.
    assert reply["body"] == '\'=HYPERLINK("http://x")'
    assert (gone["hidden"], gone["hidden_reason"], gone["body"]) == ("yes", "Unkind.", "")
    assert gone["author"] == ""
    data = json_data(facilitator_client, forum, "comments_json")
    assert [c["id"] for c in data["comments"]] == [int(r["comment_id"]) for r in rows]
    # JSON is not run by a spreadsheet: the words stay as written.
    assert data["comments"][1]["body"] == '=HYPERLINK("http://x")'
    for name in ("comments_csv", "comments_json"):
        assert b"Dai is rude" not in body(facilitator_client, forum, name)[1]


def test_votes_export_counts_secret_votes_and_names_named_ones_once_shown(
    facilitator_client, forum, votes
):
    data = json_data(facilitator_client, forum, "votes_json")
    by_id = {v["id"]: v for v in data["votes"]}
    named, secret, waiting = (by_id[votes[k].pk] for k in ("named", "secret", "waiting"))
    assert named["status"] == "closed" and named["voters"] == 5
    assert sorted((b["voter"], b["answer"]["choice"]) for b in named["ballots"]) == sorted(
        (p.name, "yes" if n % 2 else "no") for n, p in enumerate(votes["people"])
    )
    assert named["result"]["voters"] == 5
    # Secret: how many voted and the counts, never who voted what.
    assert secret["ballots"] is None and secret["voters"] == 5
    assert secret["result"]["weightings"]["per_person"]["totals"]["yes"] == 5
    # Results hidden until the vote closes: only how many have voted.
    assert waiting["status"] == "open" and waiting["results_visible"] is False
    assert waiting["result"] is None and waiting["ballots"] is None and waiting["voters"] == 5

    rows = csv_rows(facilitator_client, forum, "votes_csv", VOTE_COLUMNS)
    secret_rows = {r["option"]: r for r in rows if r["vote_id"] == str(votes["secret"].pk)}
    assert secret_rows["yes"]["total"] == "5" and secret_rows["yes"]["secret"] == "yes"
    # Groups of fewer than 3 voters in a secret vote are not broken out.
    assert secret_rows["yes"]["total_lived_experience"] == ""
    waiting_rows = [r for r in rows if r["vote_id"] == str(votes["waiting"].pk)]
    assert waiting_rows and all(r["total"] == "" for r in waiting_rows)
    assert all(r["voters"] == "5" for r in waiting_rows)
    csv_text = body(facilitator_client, forum, "votes_csv")[1].decode()
    for person in votes["people"]:
        assert person.name not in csv_text


def test_no_export_carries_email_addresses_tokens_or_device_keys(
    client, forum, ffion, threads, votes
):
    reader = member_client(ffion)
    secrets = [
        b"ffion@example.org",
        b"Heol y Bont",
        ffion.invite_token.encode(),
        *(v.encode() for k, v in reader.cookies.items() if k != "csrftoken" for v in [v.value]),
    ]
    for name in EXPORTS:
        content = body(reader, forum, name)[1]
        for secret in secrets:
            assert secret not in content, (name, secret)
        assert b"token" not in content.lower(), name


@pytest.mark.parametrize("name", EXPORTS)
def test_exports_are_for_the_forums_members_and_facilitators(forum, ffion, name):
    url = reverse(f"deliberation:{name}", args=[forum.slug])
    assert Client().get(url).status_code == 403
    other = factories.forum()
    outsider = factories.member(other, "staff", name="Olwen")
    assert member_client(outsider).get(url).status_code == 403
    assert member_client(ffion).get(url).status_code == 200
    observer = factories.member(forum, "commissioner", role=Role.OBSERVER, name="Olu")
    assert member_client(observer).get(url).status_code == 200


def _grow(forum, author, n):
    for k in range(n):
        shown = idea(forum, author, n=k)
        comment_services.comment_add(proposal=shown, author=author, body=f"Comment {k}.")
    lead = forum.members.filter(role=Role.FACILITATOR).first()
    for _k in range(n // 5):
        vote(forum_vote(forum, lead, secret=False), author, "yes")


@pytest.mark.parametrize("name", EXPORTS)
def test_exports_queries_do_not_grow_with_rows(facilitator_client, forum, ffion, name):
    url = reverse(f"deliberation:{name}", args=[forum.slug])

    def count():
        with CaptureQueriesContext(connection) as context:
            facilitator_client.get(url).getvalue()
        return len(context)

    _grow(forum, ffion, 10)
    few = count()
    _grow(forum, ffion, 90)
    assert count() == few


# The views run in another thread under ASGI: the rows must be committed to be seen.
@pytest.mark.django_db(transaction=True)
async def test_exports_stream_asynchronously_under_asgi(forum, ffion, threads, votes):
    from asgiref.sync import sync_to_async

    reader = AsyncClient()
    cookies = (await sync_to_async(member_client)(ffion)).cookies
    reader.cookies = cookies
    for name in [*EXPORTS, "decisions_csv", "decisions_json", "audit_jsonl"]:
        response = await reader.get(reverse(f"deliberation:{name}", args=[forum.slug]))
        assert response.status_code == 200, name
        assert response.is_async, name
        parts = [part async for part in response]
        # The head, then the rows: sent as they are made (no decisions here: a head only).
        assert len(parts) >= (2 if name in EXPORTS else 1), name
        content = b"".join(parts)
        if name.endswith("json"):
            json.loads(content)


def test_log_page_links_every_export(facilitator_client, forum):
    html = facilitator_client.get(reverse("deliberation:decision_log", args=[forum.slug]))
    for name in EXPORTS:
        assert reverse(f"deliberation:{name}", args=[forum.slug]) in html.content.decode()
