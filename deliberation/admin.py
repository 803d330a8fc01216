"""Back office for staff. Changes go through the services; votes and the audit are read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from deliberation.models import (
    Action,
    ActionUpdate,
    AgendaItem,
    Attendance,
    AuditEvent,
    Ballot,
    Decision,
    Forum,
    HandCount,
    Meeting,
    Member,
    Participation,
    Poll,
    PollOption,
    SecretBallot,
)
from deliberation.services.forums import forum_create, member_add, member_update


class ReadOnlyAdmin(admin.ModelAdmin):
    """Show records without any way to add, change or delete them here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """Show a record's rows beside it, without any way to add or delete one here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Forum)
class ForumAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "default_weighting", "created_at"]
    search_fields = ["name", "slug"]
    fields = ["name", "slug", "description"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # There is no service to rename a forum, so a forum is only made here.
        return ["name", "slug", "description"] if obj else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Forum, form: Any, change: bool) -> None:
        if change:
            return
        created = forum_create(
            name=obj.name, slug=obj.slug, description=obj.description, actor=request.user
        )
        obj.pk = created.pk
        obj.created_at = created.created_at


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "forum", "constituency", "role", "is_guest", "is_active"]
    list_filter = ["forum", "constituency", "role", "is_guest", "is_active"]
    search_fields = ["name"]
    fields = [
        "forum",
        "user",
        "name",
        "constituency",
        "role",
        "communication_needs",
        "supports",
        "is_active",
    ]
    autocomplete_fields = ["supports"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["forum", "user"] if obj else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Member, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            member_update(
                member=obj,
                name=obj.name,
                constituency=obj.constituency,
                role=obj.role,
                communication_needs=obj.communication_needs or [],
                supports=data.get("supports", []),
                is_active=obj.is_active,
                actor=request.user,
            )
            return
        created = member_add(
            forum=obj.forum,
            name=obj.name,
            constituency=obj.constituency,
            role=obj.role,
            user=obj.user,
            communication_needs=obj.communication_needs or [],
            supports=data.get("supports", []),
            actor=request.user,
        )
        obj.pk = created.pk
        obj.invite_token = created.invite_token

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The service has already set whom this member supports (and audited it).
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class AgendaItemInline(ReadOnlyInline):
    model = AgendaItem
    fields = ["position", "title", "description"]
    readonly_fields = ["position", "title", "description"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["title", "forum", "status", "starts_at", "join_code"]
    list_filter = ["forum", "status"]
    search_fields = ["title", "join_code"]
    exclude = ["projector_token"]
    inlines = [AgendaItemInline]


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ["member", "meeting", "status", "via", "joined_at"]
    list_filter = ["status", "via"]
    exclude = ["device_token"]


class PollOptionInline(ReadOnlyInline):
    model = PollOption
    readonly_fields = ["position", "key", "label", "symbol"]


@admin.register(Poll)
class PollAdmin(ReadOnlyAdmin):
    list_display = ["question", "forum", "meeting", "method", "status", "secret"]
    list_filter = ["method", "status", "secret"]
    search_fields = ["question"]
    inlines = [PollOptionInline]


@admin.register(Ballot)
class BallotAdmin(ReadOnlyAdmin):
    list_display = ["poll", "member", "constituency", "source", "cast_at"]
    list_filter = ["source", "constituency"]


@admin.register(SecretBallot)
class SecretBallotAdmin(ReadOnlyAdmin):
    list_display = ["poll", "constituency", "source"]
    list_filter = ["source", "constituency"]
    exclude = ["token_hash"]


@admin.register(Participation)
class ParticipationAdmin(ReadOnlyAdmin):
    list_display = ["poll", "member", "assisted"]


@admin.register(HandCount)
class HandCountAdmin(ReadOnlyAdmin):
    list_display = ["poll", "constituency", "choice", "count", "entered_at"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["outcome", "forum", "meeting", "recorded_at"]
    list_filter = ["forum"]


class ActionUpdateInline(ReadOnlyInline):
    model = ActionUpdate
    fields = ("created_at", "author", "status_before", "status_after", "note")
    readonly_fields = ("created_at", "author", "status_before", "status_after", "note")


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    """Actions change through their pages (services.actions), so each change is audited."""

    list_display = ["description", "forum", "owner_name", "due_on", "status"]
    list_filter = ["forum", "status"]
    search_fields = ["description", "owner_name"]
    inlines = [ActionUpdateInline]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["forum", "seq", "kind", "actor", "created_at"]
    list_filter = ["forum", "kind"]
    ordering = ["forum", "-seq"]
