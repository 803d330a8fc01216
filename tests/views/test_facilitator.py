"""Facilitator pages: who may see them, forums and members, meetings, cards."""

import pytest
from django.test import Client
from django.urls import reverse

from deliberation import audit
from deliberation.models import Forum, Meeting, Member
from tests import factories


def facilitator_urls(forum, meeting, member):
    return [
        reverse("deliberation:forum", args=[forum.slug]),
        reverse("deliberation:member_add", args=[forum.slug]),
        reverse("deliberation:member_edit", args=[forum.slug, member.pk]),
        reverse("deliberation:cards", args=[forum.slug]),
        reverse("deliberation:meeting_new", args=[forum.slug]),
        reverse("deliberation:console", args=[forum.slug, meeting.pk]),
    ]


def test_facilitator_pages_need_sign_in(client, forum, meeting, members):
    for url in facilitator_urls(forum, meeting, members["alice"]):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url
    response = client.post(
        reverse("deliberation:console_action", args=[forum.slug, meeting.pk, "close"])
    )
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).status == "open"


def test_facilitator_pages_refuse_someone_else(forum, meeting, members):
    outsider = Client()
    outsider.force_login(factories.user(staff=True))
    for url in facilitator_urls(forum, meeting, members["alice"]):
        response = outsider.get(url)
        assert response.status_code == 403, url
        assert "Only the facilitators of this forum can see it." in response.content.decode()
    response = outsider.post(
        reverse("deliberation:console_action", args=[forum.slug, meeting.pk, "close"])
    )
    assert response.status_code == 403
    assert Meeting.objects.get(pk=meeting.pk).status == "open"


def test_ids_of_another_forum_are_not_found(facilitator_client, forum, meeting, members):
    other = factories.forum()
    other_meeting = factories.open_meeting(other)
    stranger = factories.member(other)
    assert (
        facilitator_client.get(
            reverse("deliberation:console", args=[forum.slug, other_meeting.pk])
        ).status_code
        == 404
    )
    assert (
        facilitator_client.get(
            reverse("deliberation:member_edit", args=[forum.slug, stranger.pk])
        ).status_code
        == 404
    )
    assert facilitator_client.get(reverse("deliberation:forum", args=["nope"])).status_code == 404


def test_forums_page_lists_my_forums_and_staff_can_start_one(facilitator_client, forum):
    page = facilitator_client.get(reverse("deliberation:forums")).content.decode()
    assert forum.name in page
    response = facilitator_client.post(
        reverse("deliberation:forums"), {"name": "Older People's Forum", "description": ""}
    )
    assert response.status_code == 302
    created = Forum.objects.get(name="Older People's Forum")
    assert response.url == reverse("deliberation:forum", args=[created.slug])
    # The person who made it facilitates it.
    assert facilitator_client.get(response.url).status_code == 200


def test_non_staff_cannot_start_a_forum(db):
    person = Client()
    person.force_login(factories.user(staff=False))
    response = person.post(reverse("deliberation:forums"), {"name": "Sneaky"})
    assert response.status_code == 403
    assert not Forum.objects.filter(name="Sneaky").exists()


def test_forum_page_shows_members_with_needs_flagged(facilitator_client, forum, members):
    page = facilitator_client.get(reverse("deliberation:forum", args=[forum.slug])).content.decode()
    for name in ("Alice", "Bob", "Cara", "Sam"):
        assert name in page
    assert "Large print" in page
    assert "Commissioners" in page


def test_add_and_change_a_member(facilitator_client, forum, members):
    response = facilitator_client.post(
        reverse("deliberation:member_add", args=[forum.slug]),
        {
            "name": "Dev",
            "constituency": "lived_experience",
            "role": "participant",
            "communication_needs": ["easy_read", "audio"],
        },
    )
    assert response.status_code == 302
    dev = Member.objects.get(forum=forum, name="Dev")
    assert dev.communication_needs == ["audio", "easy_read"]

    response = facilitator_client.post(
        reverse("deliberation:member_edit", args=[forum.slug, members["bob"].pk]),
        {
            "name": "Bob",
            "constituency": "staff",
            "role": "supporter",
            "supports": [dev.pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    bob = Member.objects.get(pk=members["bob"].pk)
    assert bob.role == "supporter"
    assert list(bob.supports.all()) == [dev]


def test_member_form_explains_what_is_missing(facilitator_client, forum):
    response = facilitator_client.post(
        reverse("deliberation:member_add", args=[forum.slug]), {"name": "", "role": "participant"}
    )
    assert response.status_code == 400
    assert not Member.objects.filter(forum=forum, name="").exists()


def test_cards_page_lists_every_member_with_a_qr_code(facilitator_client, forum, members):
    page = facilitator_client.get(reverse("deliberation:cards", args=[forum.slug])).content.decode()
    for member in members.values():
        assert member.name in page
    assert (
        page.count('class="qr-card"')
        == Member.objects.filter(forum=forum, is_guest=False, is_active=True).count()
    )
    assert page.count("<svg") >= len(members)
    assert "Symbols: OpenMoji, CC BY-SA 4.0" in page


def test_new_meeting_with_agenda(facilitator_client, forum):
    response = facilitator_client.post(
        reverse("deliberation:meeting_new", args=[forum.slug]),
        {
            "title": "Summer meeting",
            "starts_at": "2030-06-01T10:30",
            "place": "Town hall",
            "agenda": "Welcome\n\nDay services\n  Buses  \n",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(forum=forum, title="Summer meeting")
    assert response.url == reverse("deliberation:console", args=[forum.slug, meeting.pk])
    assert list(meeting.agenda.values_list("title", flat=True)) == [
        "Welcome",
        "Day services",
        "Buses",
    ]
    assert meeting.allow_name_choice is False  # the box was not ticked
    assert meeting.status == "draft"


@pytest.mark.parametrize(
    "path",
    [
        "/admin/deliberation/auditevent/add/",
        "/admin/deliberation/ballot/add/",
        "/admin/deliberation/secretballot/add/",
        "/admin/deliberation/action/add/",
    ],
)
def test_votes_and_audit_cannot_be_added_in_the_admin(db, django_user_model, path):
    admin = Client()
    admin.force_login(django_user_model.objects.create_superuser("root", password="x-y-z-123"))
    assert admin.get(path).status_code == 403
    assert admin.get(path.replace("add/", "")).status_code == 200


def test_admin_adds_a_member_through_the_service(db, django_user_model, forum):
    from deliberation.models import AuditEvent

    admin = Client()
    admin.force_login(django_user_model.objects.create_superuser("root", password="x-y-z-123"))
    response = admin.post(
        "/admin/deliberation/member/add/",
        {
            "forum": forum.pk,
            "name": "Ffion",
            "constituency": "lived_experience",
            "role": "participant",
            "communication_needs": '["welsh"]',
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    member = Member.objects.get(name="Ffion")
    assert member.communication_needs == ["welsh"]
    event = AuditEvent.objects.filter(kind="member.added", payload__member=member.pk).get()
    assert audit.opened(event)["name"] == "Ffion"  # beside the chain, committed to
