"""A projector opened after the meeting closed says it has finished, and nothing else."""

from django.urls import reverse

from deliberation.services import meetings as meeting_services
from deliberation.services import polls as poll_services
from tests import factories


def test_the_projector_of_a_closed_meeting_says_it_has_finished(client, meeting, people):
    poll = factories.poll(
        meeting, "yes_no", question="Shall we meet monthly?", agenda_item=meeting.current_item
    )
    factories.cast(poll, people["staff"][0], {"choice": "yes"})
    poll_services.poll_close(poll=poll)
    meeting_services.meeting_close(meeting=meeting)
    page = client.get(reverse("deliberation:projector", args=[meeting.projector_token]))
    text = page.content.decode()
    stage = text.split('id="stage-poll"', 1)[1].split("<template", 1)[0]
    assert "This meeting has finished." in stage
    assert 'class="sym' in stage.split("This meeting has finished.", 1)[0]  # with a symbol
    assert "Shall we meet monthly?" not in stage
    # No join code, no QR code, no "Join on your phone": nobody can join a closed meeting.
    # (The box stays in the page, hidden, so a live reopening can show it again.)
    join = text.split('id="stage-join"', 1)[1].split(">", 1)[0]
    assert " hidden" in join


def test_the_projector_of_a_reopened_meeting_shows_the_meeting_again(client, meeting):
    meeting_services.meeting_close(meeting=meeting)
    meeting_services.meeting_reopen(meeting=meeting)
    text = client.get(reverse("deliberation:projector", args=[meeting.projector_token]))
    page = text.content.decode()
    assert "This meeting has finished." not in page.split("<template", 1)[0]
    join = page.split('id="stage-join"', 1)[1].split(">", 1)[0]
    assert " hidden" not in join
    assert meeting.join_code in page
