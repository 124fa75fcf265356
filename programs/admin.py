"""Configuration screens for administrators. Statuses and money are read-only here: they change only
through the services (program pages and API), which write events and ledger entries."""

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from core.admin import ReadOnlyAdmin
from core.forms import JSONField
from programs.models import (
    Credential,
    CredentialRequest,
    LedgerEntry,
    Occupation,
    Program,
    ProgramBudget,
    ProgramEvent,
    Skill,
    TrainingProvider,
)


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "status", "payment_model", "applicant_type", "currency"]
    list_filter = ["status", "payment_model", "applicant_type"]
    search_fields = ["code", "name"]
    readonly_fields = ["code", "status", "currency", "created_at", "updated_at"]
    filter_horizontal = ["managers"]
    exclude = ["credentials"]
    # priority_order and claim_evidence are typed as JSON: no control character may be decoded into them.
    formfield_overrides = {models.JSONField: {"form_class": JSONField}}

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # programs are created through the program pages, which open the budget ledger

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProgramBudget)
class ProgramBudgetAdmin(ReadOnlyAdmin):
    list_display = ["program", "currency", "total", "committed", "disbursed", "clawed_back"]
    list_select_related = ["program"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "budget",
        "kind",
        "amount",
        "currency",
        "actor",
        "reason",
        "idempotency_key",
    ]
    list_filter = ["kind"]
    list_select_related = ["budget__program", "actor"]
    search_fields = ["idempotency_key", "reason"]


@admin.register(ProgramEvent)
class ProgramEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "program", "action", "from_status", "to_status", "actor"]
    list_filter = ["action"]
    list_select_related = ["program", "actor"]


@admin.register(CredentialRequest)
class CredentialRequestAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "title", "provider_name", "status", "requested_by"]
    list_filter = ["status"]


admin.site.register(TrainingProvider, admin.ModelAdmin)
admin.site.register(Skill, admin.ModelAdmin)
admin.site.register(Occupation, admin.ModelAdmin)
admin.site.register(Credential, admin.ModelAdmin)
