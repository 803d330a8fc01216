"""Websocket routing of the project."""

from deliberation.routing import websocket_urlpatterns

__all__ = ["websocket_urlpatterns"]
