"""The record's pages: who may read, filters, progress by plain form, photos, vote codes."""

import datetime
import io
import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from deliberation import audit
from deliberation.models import Action, ActionUpdate, AuditEvent, Role
from deliberation.services import meetings as meeting_services
from deliberation.services import polls as poll_services
from tests import factories
from tests.record.conftest import member_client

pytestmark = pytest.mark.django_db


def urls(forum, record):
    update = ActionUpdate.objects.filter(action=record["action"]).first()
    return [
        reverse("deliberation:decision_log", args=[forum.slug]),
        reverse("deliberation:decision", args=[forum.slug, record["decision"].pk]),
        reverse("deliberation:action", args=[forum.slug, record["action"].pk]),
        reverse("deliberation:decisions_csv", args=[forum.slug]),
        reverse("deliberation:decisions_json", args=[forum.slug]),
        reverse("deliberation:audit_jsonl", args=[forum.slug]),
        reverse("deliberation:action_photo", args=[forum.slug, update.pk]),
    ]


def shown_ids(response):
    return [int(pk) for pk in re.findall(r'data-decision="(\d+)"', response.content.decode())]


# -- who may read ----------------------------------------------------------------------


def test_strangers_and_other_forums_see_nothing(client, forum, record):
    outsider = member_client(factories.member(factories.forum(), "staff"))
    other_lead = Client()
    other_lead.force_login(factories.facilitator(factories.forum()))
    for url in urls(forum, record)[:-1]:
        for browser in (client, outsider, other_lead):
            response = browser.get(url)
            assert response.status_code == 403, url
            assert b"We want more buses" not in response.content


@pytest.mark.parametrize("how", ["invite", "facilitator", "observer"])
def test_members_read_the_record(forum, meeting, record, facilitator_client, observer, how):
    if how == "facilitator":
        browser = facilitator_client
    elif how == "observer":
        browser = member_client(observer)
    else:
        browser = member_client(factories.member(forum, "lived_experience"))
    for url in urls(forum, record)[:-1]:
        response = browser.get(url)
        assert response.status_code == 200, url


def test_a_name_picked_at_a_meeting_does_not_open_the_record(forum, meeting, record):
    # Issue 9: the join code is on the projector, so a name picked with it reaches
    # that meeting's votes only. The record needs a login or a personal link.
    browser = Client()
    person = factories.member(forum, "staff", name="Nia")
    url = reverse("deliberation:join_meeting", args=[meeting.join_code])
    assert browser.post(url, {"member": person.pk}).status_code == 302
    for url in urls(forum, record)[:-1]:
        assert browser.get(url).status_code == 403, url


def test_a_guest_cannot_read_waiting_or_let_in(forum, meeting, record):
    browser = Client()
    url = reverse("deliberation:join_guest", args=[meeting.join_code])
    browser.post(url, {"name": "Visitor", "constituency": "staff"})
    log = reverse("deliberation:decision_log", args=[forum.slug])
    assert browser.get(log).status_code == 403
    attendance = meeting.attendance.get(member__name="Visitor")
    meeting_services.guest_admit(attendance=attendance)
    # Let in to the meeting, not into the forum's record.
    assert browser.get(log).status_code == 403


def test_a_card_taken_over_on_another_phone_leaves_the_first_phone_nothing(forum, meeting, record):
    person = factories.member(forum, "staff")
    first = Client()
    first.post(
        reverse("deliberation:join_meeting", args=[meeting.join_code]), {"member": person.pk}
    )
    phone = reverse("deliberation:phone", args=[meeting.pk])
    assert first.get(phone).status_code == 200
    # The person's own card takes the name over on their own phone.
    own = member_client(person)
    own.post(reverse("deliberation:invite", args=[person.invite_token]))
    log = reverse("deliberation:decision_log", args=[forum.slug])
    assert own.get(log).status_code == 200
    assert own.get(phone).status_code == 200
    assert first.get(phone).status_code == 302
    assert first.get(log).status_code == 403


# -- the log's filters -----------------------------------------------------------------


def test_filters_by_meeting_status_and_date(facilitator_client, forum, meeting, record):
    later = factories.open_meeting(forum, title="Later meeting")
    newer = factories.decision(later, outcome="We will have tea.", outcome_easy_read="")
    log = reverse("deliberation:decision_log", args=[forum.slug])
    everything = shown_ids(facilitator_client.get(log))
    assert everything == [newer.pk, record["chat"].pk, record["decision"].pk]

    assert shown_ids(facilitator_client.get(f"{log}?meeting={later.pk}")) == [newer.pk]
    assert shown_ids(facilitator_client.get(f"{log}?status=overdue")) == [record["decision"].pk]
    assert shown_ids(facilitator_client.get(f"{log}?status=done")) == [record["chat"].pk]
    assert shown_ids(facilitator_client.get(f"{log}?status=no_actions")) == [newer.pk]
    today = datetime.date.today()
    tomorrow = today + datetime.timedelta(days=1)
    assert shown_ids(facilitator_client.get(f"{log}?since={tomorrow}")) == []
    assert shown_ids(facilitator_client.get(f"{log}?until={today}")) == everything
    # A date nobody can read is said, not guessed at: everything stays listed.
    response = facilitator_client.get(f"{log}?since=the-31st")
    assert "Please check the dates." in response.content.decode()
    assert shown_ids(response) == everything


def test_the_log_and_decision_pages_do_not_query_per_decision(
    facilitator_client, forum, meeting, django_assert_max_num_queries
):
    for n in range(12):
        decision = factories.decision(meeting, outcome=f"Decision {n}.")
        factories.action(decision)
    log = reverse("deliberation:decision_log", args=[forum.slug])
    with django_assert_max_num_queries(14):
        assert facilitator_client.get(log).status_code == 200
    for export in ("decisions_csv", "decisions_json"):
        with django_assert_max_num_queries(16):
            facilitator_client.get(reverse(f"deliberation:{export}", args=[forum.slug])).getvalue()


# -- progress by plain form ------------------------------------------------------------


def post_progress(browser, forum, action, **data):
    url = reverse("deliberation:action", args=[forum.slug, action.pk])
    return browser.post(url, {"note": "News.", "status": "", **data})


def test_the_owner_reports_progress_without_javascript(forum, record):
    action = record["action"]
    owner = member_client(action.owner)
    page = owner.get(reverse("deliberation:action", args=[forum.slug, action.pk]))
    assert "Save the news" in page.content.decode()
    response = post_progress(
        owner,
        forum,
        action,
        note="The new bus starts in May.",
        status="done",
        what_helped="The bus company listened.",
        what_got_in_the_way="It took a long time.",
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "done"
    update = action.updates.order_by("-pk").first()
    assert (update.author, update.what_helped) == (action.owner, "The bus company listened.")
    event = AuditEvent.objects.filter(kind="action.progress").order_by("-seq").first()
    assert event.actor == f"member:{action.owner.pk}"


def test_an_owner_cannot_stop_an_action_nor_others_report_on_it(forum, record, people):
    action = record["action"]
    owner = member_client(action.owner)
    assert post_progress(owner, forum, action, status="dropped").status_code == 400
    someone = member_client(people["lived_experience"][2])
    page = someone.get(reverse("deliberation:action", args=[forum.slug, action.pk]))
    assert "Save the news" not in page.content.decode()
    assert post_progress(someone, forum, action).status_code == 403
    action.refresh_from_db()
    assert action.status == "in_progress" and action.updates.count() == 1


def test_a_facilitator_stops_an_action_with_a_reason(facilitator_client, forum, record):
    action = record["late"]
    response = post_progress(
        facilitator_client, forum, action, note="The timetable is changing.", status="dropped"
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.dropped_reason) == ("dropped", "The timetable is changing.")
    page = facilitator_client.get(
        reverse("deliberation:decision", args=[forum.slug, action.decision_id])
    )
    assert "Why it stopped:" in page.content.decode()


def test_a_photo_is_shown_to_members_only_and_has_no_metadata(forum, record, client):
    action = record["action"]
    owner = member_client(action.owner)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    upload = io.BytesIO()
    Image.new("RGB", (30, 20), "navy").save(upload, "JPEG", exif=exif)
    upload.seek(0)
    upload.name = "IMG_1234 at home.jpg"
    response = owner.post(
        reverse("deliberation:action", args=[forum.slug, action.pk]),
        {"note": "The new stop.", "status": "", "photo": upload, "photo_description": "A stop"},
    )
    assert response.status_code == 302
    update = action.updates.order_by("-pk").first()
    assert "IMG_1234" not in update.photo.name
    url = reverse("deliberation:action_photo", args=[forum.slug, update.pk])
    served = owner.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert dict(Image.open(io.BytesIO(b"".join(served.streaming_content))).getexif()) == {}
    assert client.get(url).status_code == 403
    page = owner.get(reverse("deliberation:action", args=[forum.slug, action.pk])).content
    assert b'alt="A stop"' in page


def test_facilitators_add_and_change_actions_from_the_decision_page(
    facilitator_client, forum, record, people
):
    decision = record["chat"]
    url = reverse("deliberation:action_new", args=[forum.slug, decision.pk])
    due = (datetime.date.today() + datetime.timedelta(days=14)).isoformat()
    response = facilitator_client.post(
        url,
        {"decision": decision.pk, "description": "Make a sign.", "owner_name": "", "due_on": due},
    )
    # The form comes back with what was typed and what to fix.
    assert response.status_code == 400 and not Action.objects.filter(description="Make a sign.")
    page = response.content.decode()
    assert "Make a sign." in page and "Please say who will do it" in page
    facilitator_client.post(
        url,
        {
            "decision": decision.pk,
            "description": "Make a sign.",
            "owner": people["staff"][0].pk,
            "due_on": due,
        },  # fmt: skip
    )
    action = Action.objects.get(description="Make a sign.")
    assert action.owner == people["staff"][0]
    edit = reverse("deliberation:action_edit", args=[forum.slug, action.pk])
    facilitator_client.post(
        edit,
        {
            "decision": decision.pk,
            "description": "Make two signs.",
            "owner_name": "Council",
            "due_on": due,
        },  # fmt: skip
    )
    action.refresh_from_db()
    assert (action.description, action.owner, action.owner_name) == (
        "Make two signs.",
        None,
        "Council",
    )
    member = member_client(people["staff"][1])
    assert member.post(url, {"decision": decision.pk}).status_code == 403
    assert member.get(edit).status_code == 403


# -- vote codes ------------------------------------------------------------------------


def test_a_phone_sees_its_codes_and_checks_them_after_the_close(forum, meeting, people):
    person = factories.member(forum, "staff", name="Nia")
    phone = Client()
    phone.post(
        reverse("deliberation:join_meeting", args=[meeting.join_code]), {"member": person.pk}
    )
    named = factories.poll(meeting, "yes_no", question="Named vote?")
    vote = reverse("deliberation:vote", args=[meeting.pk, named.pk])
    phone.post(vote, {"client_id": str(uuid.uuid4()), "choice": "yes"})
    poll_services.poll_close(poll=named)
    secret = factories.poll(meeting, "yes_no", question="Secret vote?", secret=True)
    vote = reverse("deliberation:vote", args=[meeting.pk, secret.pk])
    phone.post(vote, {"client_id": str(uuid.uuid4()), "choice": "no"})

    codes_url = reverse("deliberation:vote_codes", args=[meeting.pk])
    page = phone.get(codes_url).content.decode()
    codes = re.findall(r"data-code>([0-9A-Z]{4}-[0-9A-Z]{4})<", page)
    # A secret ballot is written again at the close, so its code shows only then.
    assert len(codes) == 1
    assert "Counted: your vote is in the sealed count." in page
    assert "Your code will show here when the vote closes." in page

    poll_services.poll_close(poll=secret)
    secret.refresh_from_db()
    page = phone.get(codes_url).content.decode()
    codes = re.findall(r"data-code>([0-9A-Z]{4}-[0-9A-Z]{4})<", page)
    assert len(codes) == 2
    assert page.count("Counted: your vote is in the sealed count.") == 2
    assert audit.check_receipt(secret, codes[1]).included
    # Another phone of the same forum sees none of them.
    other = Client()
    other.post(
        reverse("deliberation:join_meeting", args=[meeting.join_code]),
        {"member": people["staff"][0].pk},
    )
    assert not set(codes) & set(
        re.findall(r"data-code>([^<]+)<", other.get(codes_url).content.decode())
    )


def test_anyone_with_a_code_checks_it_on_the_decision_page(facilitator_client, forum, record):
    decision = record["decision"]
    ballot_of = record["named"].ballots.first().member_id
    code = audit.receipt_code(record["named"], member_id=ballot_of)
    url = reverse("deliberation:decision", args=[forum.slug, decision.pk])
    page = facilitator_client.get(url, {"code": code.lower().replace("-", " ")}).content.decode()
    assert f"Yes: the vote with code {code} is in the sealed count." in page
    page = facilitator_client.get(url, {"code": "0000-0000"}).content.decode()
    assert "We could not find the vote with code 0000-0000" in page
    page = facilitator_client.get(url, {"code": "nope"}).content.decode()
    assert "A vote code has 8 letters and numbers" in page


def test_an_observer_reads_but_never_sees_forms(forum, record, observer):
    browser = member_client(observer)
    page = browser.get(reverse("deliberation:decision", args=[forum.slug, record["decision"].pk]))
    assert "Add an action" not in page.content.decode()
    assert observer.role == Role.OBSERVER


def test_the_record_speaks_welsh(forum, meeting, record, people):
    from django.conf import settings

    browser = member_client(people["lived_experience"][0])
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    log = browser.get(reverse("deliberation:decision_log", args=[forum.slug])).content.decode()
    assert '<html lang="cy"' in log
    assert "Dod o hyd i benderfyniadau" in log  # Find decisions
    assert "Yn hwyr" in log  # Late
    phone = Client()
    phone.post(
        reverse("deliberation:join_meeting", args=[meeting.join_code]),
        {"member": factories.member(forum, "staff").pk},
    )
    phone.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    codes = phone.get(reverse("deliberation:vote_codes", args=[meeting.pk])).content.decode()
    assert "Fy nghodau pleidleisio" in codes  # My vote codes
