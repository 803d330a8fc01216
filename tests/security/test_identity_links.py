"""A personal link (QR card) says who a browser is only when its holder presses the button.

Opening the link (a GET, which any other site can cause) changes nothing; only the
"Yes, this is me" POST does, and it needs the CSRF token. A lost card can be replaced:
the old link stops working, and the browsers that came in by it are nobody any more.
"""

import pytest
from django.test import Client
from django.urls import reverse

from deliberation import identity
from deliberation.models import Attendance, AuditEvent, Comment
from deliberation.services import forums as forum_services
from deliberation.services import proposals as proposal_services
from tests import factories

pytestmark = pytest.mark.django_db


def invite_url(member) -> str:
    return reverse("deliberation:invite", args=[member.invite_token])


@pytest.fixture
def two(forum):
    return {
        "nia": factories.member(forum, "lived_experience", name="Nia"),
        "tom": factories.member(forum, "staff", name="Tom"),
    }


def test_opening_someone_elses_link_does_not_change_who_this_browser_is(forum, meeting, two):
    browser = Client(enforce_csrf_checks=True)
    factories.link_sign_in(browser, two["nia"])
    proposal = proposal_services.proposal_create(
        forum=forum,
        author=two["tom"],
        title="More buses",
        summary="We want buses.",
        symbol="transport",
    )
    # A page on another site makes this browser open Tom's link (an image, a redirect).
    page = browser.get(invite_url(two["tom"]))
    assert page.status_code == 200
    assert identity.forum_member_for(browser.session, None, forum.pk) == two["nia"]
    assert not Attendance.objects.filter(meeting=meeting, member=two["tom"]).exists()
    # Nia's next comment is still hers.
    url = reverse("deliberation:proposal_action", args=[forum.slug, proposal.pk, "comment"])
    token = browser.cookies["csrftoken"].value
    browser.post(url, {"body": "Yes please.", "csrfmiddlewaretoken": token})
    assert list(Comment.objects.values_list("author__name", flat=True)) == ["Nia"]


def test_a_stranger_opening_a_link_is_nobody_until_they_press_the_button(forum, meeting, two):
    browser = Client()
    browser.get(invite_url(two["tom"]))
    proposals = reverse("deliberation:proposals", args=[forum.slug])
    assert browser.get(proposals).status_code == 403
    assert browser.get(reverse("deliberation:decision_log", args=[forum.slug])).status_code == 403
    factories.link_sign_in(browser, two["tom"])
    assert browser.get(proposals).status_code == 200


def test_the_button_needs_the_csrf_token(forum, two):
    browser = Client(enforce_csrf_checks=True)
    browser.get(invite_url(two["tom"]))
    assert browser.post(invite_url(two["tom"]), {"next": "proposals"}).status_code == 403
    assert identity.forum_member_for(browser.session, None, forum.pk) is None


def test_a_facilitators_card_gives_no_facilitators_powers(forum, lead):
    # A facilitator's powers come from their login only.
    browser = Client()
    factories.link_sign_in(browser, lead)
    assert identity.forum_member_for(browser.session, None, forum.pk) is None
    assert browser.get(reverse("deliberation:decision_log", args=[forum.slug])).status_code == 403


# -- a lost card -------------------------------------------------------------------------


def test_a_new_card_stops_the_old_link_and_its_browsers(forum, meeting, two, facilitator_client):
    nia = two["nia"]
    old_url = invite_url(nia)
    finder = Client()  # whoever found the lost card
    factories.link_sign_in(finder, nia)
    finder.post(old_url)  # and joined the meeting with it
    log = reverse("deliberation:decision_log", args=[forum.slug])
    phone = reverse("deliberation:phone", args=[meeting.pk])
    assert finder.get(log).status_code == 200
    assert finder.get(phone).status_code == 200

    page = facilitator_client.get(reverse("deliberation:member_edit", args=[forum.slug, nia.pk]))
    assert "Make a new card" in page.content.decode()
    response = facilitator_client.post(
        reverse("deliberation:member_new_link", args=[forum.slug, nia.pk])
    )
    assert response.status_code == 302
    nia.refresh_from_db()
    assert invite_url(nia) != old_url

    assert finder.get(old_url).status_code == 404
    assert finder.get(log).status_code == 403
    assert finder.get(phone).status_code == 302
    # Nia's new card works.
    own = Client()
    factories.link_sign_in(own, nia)
    assert own.get(log).status_code == 200
    own.post(invite_url(nia))
    assert own.get(phone).status_code == 200
    # The record says it happened, never what the link is.
    event = AuditEvent.objects.filter(kind="member.link_reissued").get()
    assert event.payload == {"member": nia.pk, "v": 2}
    assert nia.invite_token not in str(event.payload)


def test_only_a_facilitator_can_make_a_new_card(forum, two):
    browser = Client()
    factories.link_sign_in(browser, two["tom"])
    url = reverse("deliberation:member_new_link", args=[forum.slug, two["nia"].pk])
    response = browser.post(url)
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or "/login" in response.url
    token = two["nia"].invite_token
    two["nia"].refresh_from_db()
    assert two["nia"].invite_token == token


def test_the_reissue_service_unties_phones_in_meetings_still_going(forum, meeting, two):
    factories.join(meeting, two["nia"], device="lost-card-phone")
    forum_services.member_link_reissue(member=two["nia"])
    attendance = Attendance.objects.get(meeting=meeting, member=two["nia"])
    assert attendance.device_token == ""
