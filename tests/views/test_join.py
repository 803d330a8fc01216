"""Joining a meeting from a phone: by code and name, by personal invite, as a guest."""

from django.urls import reverse

from deliberation import identity
from deliberation.models import Attendance
from deliberation.services.meetings import guest_admit, meeting_close, meeting_update_settings


def test_home_shows_the_join_page_to_a_participant(client, db):
    response = client.get(reverse("deliberation:home"))
    assert response.status_code == 200
    assert "Type the code from the screen" in response.content.decode()


def test_home_sends_a_facilitator_to_their_forums(facilitator_client, forum):
    response = facilitator_client.get(reverse("deliberation:home"))
    assert response.status_code == 302
    assert response.url == reverse("deliberation:forums")


def test_join_code_is_case_insensitive_and_ignores_spaces(client, meeting):
    code = meeting.join_code
    typed = f" {code[:3].lower()} {code[3:].lower()} "
    response = client.get(reverse("deliberation:join"), {"code": typed})
    assert response.status_code == 302
    assert response.url == reverse("deliberation:join_meeting", args=[code])


def test_unknown_join_code_says_so_in_plain_words(client, meeting):
    response = client.get(reverse("deliberation:join"), {"code": "ZZZZZZ"})
    assert response.status_code == 200
    assert "We could not find a meeting with this code" in response.content.decode()


def test_join_by_code_and_pick_your_name(client, meeting, members):
    url = reverse("deliberation:join_meeting", args=[meeting.join_code])
    page = client.get(url).content.decode()
    for name in ("Alice", "Bob", "Cara", "Sam"):
        assert name in page
    assert "I am new here" in page

    response = client.post(url, {"member": members["alice"].pk})

    assert response.status_code == 302
    assert response.url == reverse("deliberation:phone", args=[meeting.pk])
    attendance = Attendance.objects.get(meeting=meeting, member=members["alice"])
    assert attendance.status == Attendance.Status.PRESENT
    assert attendance.via == "name"
    assert identity.member_id_for(client.session, meeting.pk) == members["alice"].pk
    phone = client.get(response.url).content.decode()
    assert "Alice" in phone


def test_name_list_does_not_show_guests(client, meeting, members):
    other = client.__class__()
    other.post(
        reverse("deliberation:join_guest", args=[meeting.join_code]),
        {"name": "Gwen Guest", "constituency": "staff"},
    )
    page = client.get(reverse("deliberation:join_meeting", args=[meeting.join_code]))
    assert "Gwen Guest" not in page.content.decode()


def test_a_name_taken_on_another_phone_cannot_be_picked_again(client, meeting, members, join):
    join(client, meeting, members["bob"])
    other = client.__class__()
    url = reverse("deliberation:join_meeting", args=[meeting.join_code])
    response = other.post(url, {"member": members["bob"].pk})
    assert response.status_code == 400
    assert "Someone has already joined with this name" in response.content.decode()


def test_name_choice_off_hides_the_list_and_refuses_a_name(client, meeting, members):
    meeting_update_settings(meeting=meeting, allow_name_choice=False)
    url = reverse("deliberation:join_meeting", args=[meeting.join_code])
    page = client.get(url).content.decode()
    assert "Alice" not in page
    assert "personal card" in page

    response = client.post(url, {"member": members["alice"].pk})

    assert response.status_code == 403
    assert not Attendance.objects.filter(meeting=meeting, member=members["alice"]).exists()


def test_phone_page_sends_a_stranger_to_join(client, meeting):
    response = client.get(reverse("deliberation:phone", args=[meeting.pk]))
    assert response.status_code == 302
    assert response.url == reverse("deliberation:join_meeting", args=[meeting.join_code])


def test_invite_link_joins_the_open_meeting(client, meeting, members):
    url = reverse("deliberation:invite", args=[members["cara"].invite_token])
    page = client.get(url)
    assert page.status_code == 200
    assert "Helo Cara" in page.content.decode()  # Cara reads Welsh: her link opens in Welsh

    response = client.post(url)

    assert response.status_code == 302
    assert response.url == reverse("deliberation:phone", args=[meeting.pk])
    attendance = Attendance.objects.get(meeting=meeting, member=members["cara"])
    assert attendance.via == "invite"
    assert client.get(response.url).status_code == 200
    # Opening the link again lands on Cara's home, with the meeting at the top.
    home = reverse("deliberation:member_home", args=[meeting.forum.slug])
    assert client.get(url).url == home
    page = client.get(home).content.decode()
    assert reverse("deliberation:phone", args=[meeting.pk]) in page


def test_invite_link_works_even_when_name_choice_is_off(client, meeting, members):
    meeting_update_settings(meeting=meeting, allow_name_choice=False)
    url = reverse("deliberation:invite", args=[members["alice"].invite_token])
    assert client.post(url).status_code == 302
    assert Attendance.objects.filter(meeting=meeting, member=members["alice"]).exists()


def test_invite_link_with_no_open_meeting_says_so(client, meeting, members):
    meeting_close(meeting=meeting)
    response = client.get(reverse("deliberation:invite", args=[members["alice"].invite_token]))
    assert response.status_code == 200
    assert "There is no meeting on right now" in response.content.decode()


def test_unknown_invite_is_not_found(client, db):
    assert client.get(reverse("deliberation:invite", args=["nope"])).status_code == 404


def test_guest_waits_until_let_in(client, meeting):
    form = client.get(reverse("deliberation:join_guest", args=[meeting.join_code]))
    page = form.content.decode()
    assert "Which group are you in?" in page
    assert "People with lived experience" in page

    response = client.post(
        reverse("deliberation:join_guest", args=[meeting.join_code]),
        {"name": "Gwen", "constituency": "lived_experience"},
    )
    waiting_url = reverse("deliberation:waiting", args=[meeting.join_code])
    assert response.status_code == 302
    assert response.url == waiting_url
    waiting = client.get(waiting_url)
    assert waiting.status_code == 200
    # No meta refresh: a script checks, or the person presses the button.
    assert "http-equiv" not in waiting.content.decode()
    assert "Check if I can come in" in waiting.content.decode()
    # Not in yet: the phone page sends them back.
    assert client.get(reverse("deliberation:phone", args=[meeting.pk])).status_code == 302

    attendance = Attendance.objects.get(meeting=meeting, member__name="Gwen")
    assert attendance.status == Attendance.Status.WAITING
    guest_admit(attendance=attendance)

    response = client.get(waiting_url)
    assert response.status_code == 302
    assert response.url == reverse("deliberation:phone", args=[meeting.pk])
    assert "Gwen" in client.get(response.url).content.decode()


def test_guest_turned_away_is_told_kindly(client, meeting):
    client.post(
        reverse("deliberation:join_guest", args=[meeting.join_code]),
        {"name": "Gwen", "constituency": "staff"},
    )
    attendance = Attendance.objects.get(meeting=meeting, member__name="Gwen")
    guest_admit(attendance=attendance, admit=False)
    page = client.get(reverse("deliberation:waiting", args=[meeting.join_code]))
    assert "Sorry, you cannot join now." in page.content.decode()
    assert "http-equiv" not in page.content.decode()


def test_guest_form_needs_a_group(client, meeting):
    response = client.post(
        reverse("deliberation:join_guest", args=[meeting.join_code]), {"name": "Gwen"}
    )
    assert response.status_code == 400
    assert "Please choose your group." in response.content.decode()
