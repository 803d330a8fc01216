"""Welsh (Cymraeg) for the pages participants see."""

from django.conf import settings
from django.urls import reverse


def test_phone_page_in_welsh_with_the_language_cookie(client, meeting, members, join):
    join(client, meeting, members["alice"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    page = client.get(reverse("deliberation:phone", args=[meeting.pk])).content.decode()
    assert '<html lang="cy"' in page
    assert "Arhoswch am y cwestiwn nesaf" in page  # Please wait for the next question.
    assert "Symbolau: OpenMoji, CC BY-SA 4.0" in page


def test_choosing_cymraeg_with_the_language_switcher(client, meeting, members, join, open_poll):
    open_poll("traffic_light")
    join(client, meeting, members["alice"])
    phone = reverse("deliberation:phone", args=[meeting.pk])
    response = client.post(reverse("set_language"), {"language": "cy", "next": phone})
    assert response.status_code == 302
    assert response.url == phone
    page = client.get(phone).content.decode()
    assert "Cytuno" in page  # Agree
    assert "Anfon fy mhleidlais" in page  # Send my vote
    assert '"saved": "Mae eich pleidlais wedi' in page  # the page scripts get Welsh words too


def test_join_and_projector_pages_in_welsh(client, meeting):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    join_page = client.get(reverse("deliberation:join")).content.decode()
    assert "Teipiwch y cod o'r sgrin" in join_page
    projector = client.get(reverse("deliberation:projector", args=[meeting.projector_token]))
    assert "Ymunwch ar eich ffôn" in projector.content.decode()


def test_a_plain_error_in_welsh(client, meeting, members, join, open_poll):
    import uuid

    from deliberation.services.polls import poll_close

    poll = poll_close(poll=open_poll("yes_no"))
    join(client, meeting, members["alice"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    response = client.post(
        reverse("deliberation:vote", args=[meeting.pk, poll.pk]),
        {"client_id": str(uuid.uuid4()), "choice": "yes"},
    )
    assert response.status_code == 400
    assert "Chafodd eich ateb ddim ei gyfrif" in response.content.decode()


def test_a_refusal_of_the_voting_rules_in_welsh(client, meeting, members, join, open_poll):
    import uuid

    poll = open_poll("consent")
    join(client, meeting, members["alice"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    response = client.post(
        reverse("deliberation:vote", args=[meeting.pk, poll.pk]),
        {"client_id": str(uuid.uuid4()), "choice": "objection"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Dywedwch pam rydych chi&#x27;n gwrthwynebu" in page  # Please say why you object.
    assert "Please say why you object." not in page
