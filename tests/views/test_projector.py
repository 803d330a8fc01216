"""The projector view and its join QR code."""

import uuid

from django.urls import reverse

from tests import factories


def test_projector_shows_the_join_code_and_qr(client, meeting):
    response = client.get(reverse("deliberation:projector", args=[meeting.projector_token]))
    page = response.content.decode()
    assert response.status_code == 200
    assert meeting.join_code in page
    assert reverse("deliberation:projector_qr", args=[meeting.projector_token]) in page
    assert "People here" in page
    assert "Symbols: OpenMoji, CC BY-SA 4.0" in page


def test_projector_qr_is_an_svg_of_the_join_address(client, meeting):
    response = client.get(reverse("deliberation:projector_qr", args=[meeting.projector_token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content


def test_unknown_projector_token_is_not_found(client, db):
    assert client.get(reverse("deliberation:projector", args=["nope"])).status_code == 404


def test_projector_shows_live_results_without_names(client, meeting, members, join):
    poll = factories.poll(meeting, "traffic_light", question="Should we meet monthly?")
    for name in ("alice", "bob", "cara"):
        phone = client.__class__()
        join(phone, meeting, members[name])
        phone.post(
            reverse("deliberation:vote", args=[meeting.pk, poll.pk]),
            {"client_id": str(uuid.uuid4()), "choice": "agree"},
        )
    page = client.get(reverse("deliberation:projector", args=[meeting.projector_token]))
    text = page.content.decode()
    assert "Should we meet monthly?" in text
    assert "Each group counts the same" in text
    assert "One person, one vote" in text
    assert "People with lived experience" in text
    assert "Things every group supports" in text
    for name in ("Alice", "Bob", "Cara"):
        assert name not in text


def test_projector_hides_results_until_close_but_counts_voters(client, meeting, members, join):
    poll = factories.poll(meeting, "yes_no", results_shown="closed")
    join(client, meeting, members["alice"])
    client.post(
        reverse("deliberation:vote", args=[meeting.pk, poll.pk]),
        {"client_id": str(uuid.uuid4()), "choice": "yes"},
    )
    page = client.get(reverse("deliberation:projector", args=[meeting.projector_token]))
    text = page.content.decode()
    assert "Results will show when the vote closes." in text
    assert "People who voted: 1" in text


def test_secret_poll_with_a_small_group_shows_only_the_total(client, meeting, members, join):
    poll = factories.poll(meeting, "yes_no", secret=True)
    join(client, meeting, members["cara"])
    client.post(
        reverse("deliberation:vote", args=[meeting.pk, poll.pk]),
        {"client_id": str(uuid.uuid4()), "choice": "no"},
    )
    text = client.get(
        reverse("deliberation:projector", args=[meeting.projector_token])
    ).content.decode()
    assert "only the count of everyone is shown" in text
    assert "Fewer than 3 people: not shown on its own, still counted" in text
