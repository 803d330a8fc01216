"""Review of issue 11: a phone cannot use the console's new actions; bad minutes are refused."""

import pytest
from django.urls import reverse

from deliberation.models import AgendaItem, Poll


def action_url(meeting, action):
    return reverse("deliberation:console_action", args=[meeting.forum.slug, meeting.pk, action])


@pytest.mark.parametrize("action", ["poll_results_show", "timer_start", "timer_add", "timer_stop"])
def test_a_phone_cannot_post_the_consoles_reveal_or_timer(meeting, members, join, client, action):
    join(client, meeting, members["cara"])
    response = client.post(action_url(meeting, action), {"poll": "1", "timer-minutes": "5"})
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert "login" in response["Location"]
    assert not AgendaItem.objects.filter(meeting=meeting, ends_at__isnull=False).exists()
    assert not Poll.objects.filter(results_shown_at__isnull=False).exists()


@pytest.mark.parametrize("bad", ["abc", "1e309", "0", "241", "9" * 5000, "-5", ""])
def test_bad_timer_minutes_get_a_readable_error(facilitator_client, meeting, bad):
    facilitator_client.post(action_url(meeting, "agenda_move"), {"item": meeting.agenda.first().pk})
    for action in ("timer_start", "timer_add"):
        response = facilitator_client.post(action_url(meeting, action), {"timer-minutes": bad})
        assert response.status_code in (200, 302, 400)
        assert not AgendaItem.objects.filter(meeting=meeting, ends_at__isnull=False).exists()
