"""Personal data: a member downloads what the forum keeps about them; a facilitator erases it."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from deliberation.models import Member
from deliberation.selectors import forums as forum_selectors
from deliberation.services.forums import member_erase
from deliberation.views.common import facilitator_forum
from deliberation.views.threads import thread_forum, viewer


@require_GET
def my_data(request: HttpRequest, slug: str) -> JsonResponse:
    """Download, as JSON, everything the forum keeps about the member this browser is."""
    forum = thread_forum(slug)
    me = viewer(request, forum).member
    assert me is not None  # viewer() lets in forum members only
    response = JsonResponse(
        forum_selectors.member_data(me), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = f'attachment; filename="{forum.slug}-my-data.json"'
    return response


@require_http_methods(["GET", "POST"])
def member_erase_view(request: HttpRequest, slug: str, member_id: int) -> HttpResponse:
    """Ask, then forget a member who asked to be forgotten."""
    forum = facilitator_forum(request, slug)
    member = get_object_or_404(Member, pk=member_id, forum=forum)
    if request.method == "POST":
        name = member.name
        member_erase(member=member, actor=request.user)
        messages.success(request, _("%(name)s has been forgotten.") % {"name": name})
        return redirect("deliberation:forum", slug=forum.slug)
    return render(request, "deliberation/member_erase.html", {"forum": forum, "member": member})
