"""Websocket routes of the live meeting."""

from django.urls import path

from deliberation.consumers import MeetingConsumer

websocket_urlpatterns = [
    path("ws/meeting/<int:meeting_id>/", MeetingConsumer.as_asgi()),
    path(
        "ws/meeting/<int:meeting_id>/facilitator/",
        MeetingConsumer.as_asgi(),
        {"role": "facilitator"},
    ),
    path("ws/projector/<str:projector_token>/", MeetingConsumer.as_asgi()),
]
