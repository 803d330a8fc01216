"""Personal data in the record: hidden words stay out, a member can be forgotten, the chain holds.

Names, comments and progress notes sit beside the chain; each event commits only to a
salted hash of them. Erasing a member blanks what sits beside the chain, and every
hash still checks, with `verify_audit` and with the README's own offline verifier.
"""

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from deliberation.models import AuditEvent, Member
from deliberation.services import comments as comment_services
from deliberation.services import forums as forum_services
from deliberation.services import polls as poll_services
from deliberation.services import proposals as proposal_services
from deliberation.services.forums import MemberContact
from tests import factories
from tests.record.conftest import member_client

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"
SECRET_WORDS = "Dave on the night shift shouts at us."


def readme_verifier() -> str:
    """Return the offline verifier exactly as the README prints it."""
    text = README.read_text(encoding="utf-8")
    start = text.index("re-verify it offline")
    return re.search(r"```python\n(.*?)```", text[start:], re.S).group(1)


def export(client, forum) -> bytes:
    response = client.get(reverse("deliberation:audit_jsonl", args=[forum.slug]))
    assert response.status_code == 200
    return response.getvalue()


def check_offline(content: bytes, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "riverside-audit.jsonl").write_bytes(content)
    exec(compile(readme_verifier(), "README.md", "exec"), {"__name__": "readme"})  # noqa: S102


def verify_audit() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


@pytest.fixture
def ffion(forum):
    return forum_services.member_add(
        forum=forum,
        name="Ffion Pritchard",
        constituency="lived_experience",
        communication_needs=["large_print"],
        contact=MemberContact(email="ffion@example.org", postal_address="1 Heol y Bont"),
    )


def test_a_hidden_comments_words_are_not_in_the_chain(forum, lead, ffion, tmp_path, monkeypatch):
    idea = proposal_services.proposal_create(
        forum=forum, author=lead, title="Night shift", summary="About the night shift.",
        symbol="idea", body="",
    )  # fmt: skip
    comment = comment_services.comment_add(proposal=idea, author=ffion, body=SECRET_WORDS)
    comment_services.comment_hide(comment=comment, by=lead, reason="It names a person.")

    content = export(member_client(ffion), forum)
    assert SECRET_WORDS not in content.decode()
    added = next(json.loads(x) for x in content.splitlines() if b'"comment.added"' in x)
    assert list(added["beside"].values()) == ["hidden"]
    check_offline(content, tmp_path, monkeypatch)
    assert verify_audit().startswith("Audit record intact")


def test_a_member_erased_is_gone_from_the_record_and_the_record_still_checks(
    forum, meeting, people, lead, ffion, facilitator_client, tmp_path, monkeypatch
):
    factories.join(meeting, ffion)
    poll = factories.poll(meeting, "yes_no", question="More buses?")
    factories.cast(poll, ffion, {"choice": "yes"})
    factories.cast(poll, people["staff"][0], {"choice": "no"})
    poll_services.poll_close(poll=poll)
    idea = proposal_services.proposal_create(
        forum=forum, author=lead, title="Buses", summary="About buses.", symbol="idea", body=""
    )
    comment_services.comment_add(proposal=idea, author=ffion, body="I need the 7pm bus.")
    before = [json.loads(line) for line in export(facilitator_client, forum).splitlines()]
    # Names sit beside the chain, not in it, and are shown beside it.
    assert "Ffion Pritchard" not in json.dumps([e["payload"] for e in before])
    assert "Ffion Pritchard" in json.dumps([e.get("beside") for e in before])

    # The facilitator asks first, on a page that says what will happen.
    url = reverse("deliberation:member_erase", args=[forum.slug, ffion.pk])
    page = facilitator_client.get(url)
    assert page.status_code == 200 and "Ffion Pritchard" in page.content.decode()
    assert Member.objects.get(pk=ffion.pk).name == "Ffion Pritchard"
    response = facilitator_client.post(url)
    assert response.status_code == 302

    ffion.refresh_from_db()
    assert ffion.name != "Ffion Pritchard" and ffion.postal_address == ""
    assert ffion.communication_needs == [] and not ffion.is_active
    content = export(facilitator_client, forum)
    text = content.decode()
    for gone in ("Ffion Pritchard", "I need the 7pm bus.", "ffion@example.org", "Heol y Bont"):
        assert gone not in text
    assert '"erased"' in text
    assert AuditEvent.objects.filter(kind="member.erased", payload__member=ffion.pk).exists()
    # Nor does the idea's page show their words (the stored rendering is blanked too).
    idea_page = facilitator_client.get(reverse("deliberation:proposal", args=[forum.slug, idea.pk]))
    assert "7pm bus" not in idea_page.content.decode()
    # The vote's count and seal, and every hash, are as they were.
    poll.refresh_from_db()
    assert poll.result["voters"] == 2
    assert verify_audit().startswith("Audit record intact")
    check_offline(content, tmp_path, monkeypatch)

    # And the README's verifier notices a value beside the chain that was changed.
    lines = [json.loads(line) for line in content.splitlines()]
    shown = next(e for e in lines if any(isinstance(v, dict) for v in e.get("beside", {}).values()))
    field = next(k for k, v in shown["beside"].items() if isinstance(v, dict))
    shown["beside"][field]["value"] = {"choice": "no"}
    forged = b"\n".join(json.dumps(e).encode() for e in lines) + b"\n"
    with pytest.raises(AssertionError, match=f"event {shown['seq']}: {field} changed"):
        check_offline(forged, tmp_path, monkeypatch)


def test_a_member_downloads_their_own_data(forum, meeting, lead, ffion):
    factories.join(meeting, ffion)
    poll = factories.poll(meeting, "yes_no", question="More buses?")
    factories.cast(poll, ffion, {"choice": "yes"})
    idea = proposal_services.proposal_create(
        forum=forum, author=lead, title="Buses", summary="About buses.", symbol="idea", body=""
    )
    comment_services.comment_add(proposal=idea, author=ffion, body="I need the 7pm bus.")
    client = member_client(ffion)
    page = client.get(reverse("deliberation:proposals", args=[forum.slug])).content.decode()
    url = reverse("deliberation:my_data", args=[forum.slug])
    assert url in page

    response = client.get(url)
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.getvalue())
    assert data["member"]["name"] == "Ffion Pritchard"
    assert data["member"]["email"] == "ffion@example.org"
    assert [c["body"] for c in data["comments"]] == ["I need the 7pm bus."]
    assert [b["answer"] for b in data["votes"]] == [{"choice": "yes"}]
    # Only one's own data: the same address gives another member theirs (a facilitator
    # is known by their login, never by their card).
    facilitator = Client()
    facilitator.force_login(lead.user)
    other = json.loads(facilitator.get(url).getvalue())
    assert other["member"]["id"] == lead.pk and "Ffion" not in json.dumps(other)


def test_the_vote_page_says_whether_a_vote_is_named_in_the_record(forum, meeting, people):
    ana = people["lived_experience"][0]
    client = member_client(ana)
    client.post(reverse("deliberation:invite", args=[ana.invite_token]))
    named = factories.poll(meeting, "yes_no", question="More buses?")
    page = shown(client.get(reverse("deliberation:phone", args=[meeting.pk])))
    notice = re.search(r'<p class="notice named"[^>]*>([^<]*)</p>', page)
    assert notice and "The record will show your name and your vote." in notice.group(1)
    poll_services.poll_close(poll=named)
    factories.poll(meeting, "yes_no", question="Later buses?", secret=True)
    page = shown(client.get(reverse("deliberation:phone", args=[meeting.pk])))
    assert 'class="notice named"' not in page
    assert '<p class="notice secret"' in page


def shown(response):
    """The page as shown: without the <template> patterns the live script fills in."""
    return re.sub(r"<template\b.*?</template>", "", response.content.decode(), flags=re.S)
