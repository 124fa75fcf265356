from typing import Any, cast

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest

from accounts import services
from accounts.models import RoleChange, User


class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "is_active", "email_verified_at", "date_joined"]
    list_filter = ["is_active", "groups"]
    search_fields = ["email", "full_name"]
    ordering = ["email"]
    readonly_fields = ["email", "date_joined", "last_login", "email_verified_at", "password"]
    fields = [
        "email",
        "full_name",
        "phone",
        "preferred_language",
        "is_active",
        "groups",
        "email_verified_at",
        "date_joined",
        "last_login",
    ]
    filter_horizontal = ["groups"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Accounts are created through the user pages (which audit roles and send the set-password link).
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Accounts are never deleted; switch them off with "active" so their records keep their author.
        return False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Role (group) changes made here go through the audited role services."""
        wanted = form.cleaned_data.pop("groups", None)
        form.save_m2m = lambda: None
        super().save_related(request, form, formsets, change)
        if wanted is not None:
            services.user_roles_set(
                actor=cast(User, request.user),
                user=form.instance,
                roles=[group.name for group in wanted],
                reason="Changed in Django admin",
            )


class RoleChangeAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "role", "action", "actor", "reason"]
    list_filter = ["role", "action"]
    search_fields = ["user__email", "actor__email"]
    list_select_related = ["user", "actor"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class GroupAdmin(BaseGroupAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # roles are fixed by a data migration

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.register(User, UserAdmin)
admin.site.register(RoleChange, RoleChangeAdmin)
admin.site.unregister(Group)
admin.site.register(Group, GroupAdmin)
