"""Web addresses of coprod's pages (namespace `deliberation`)."""

from django.urls import path

from deliberation.views import facilitator, participant, projector

app_name = "deliberation"

urlpatterns = [
    # Participants: no account, the session remembers who is on this phone.
    path("", participant.home, name="home"),
    path("join/", participant.join, name="join"),
    path("join/<str:code>/", participant.join_meeting, name="join_meeting"),
    path("join/<str:code>/new/", participant.join_guest, name="join_guest"),
    path("join/<str:code>/waiting/", participant.waiting, name="waiting"),
    path("i/<str:token>/", participant.invite, name="invite"),
    path("m/<int:meeting_id>/", participant.phone, name="phone"),
    path("m/<int:meeting_id>/vote/<int:poll_id>/", participant.vote, name="vote"),
    # The projector: the token in the address is the secret.
    path("p/<str:projector_token>/", projector.projector, name="projector"),
    path("p/<str:projector_token>/qr.svg", projector.projector_qr, name="projector_qr"),
    # Facilitators.
    path("f/", facilitator.forums, name="forums"),
    path("f/<slug:slug>/", facilitator.forum, name="forum"),
    path("f/<slug:slug>/members/new/", facilitator.member_add_view, name="member_add"),
    path("f/<slug:slug>/members/<int:member_id>/", facilitator.member_edit, name="member_edit"),
    path("f/<slug:slug>/cards/", facilitator.cards, name="cards"),
    path("f/<slug:slug>/meetings/new/", facilitator.meeting_new, name="meeting_new"),
    path("f/<slug:slug>/meetings/<int:meeting_id>/", facilitator.console, name="console"),
    path(
        "f/<slug:slug>/meetings/<int:meeting_id>/do/<str:action>/",
        facilitator.console_action,
        name="console_action",
    ),
]
