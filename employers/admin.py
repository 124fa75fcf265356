"""Screens for administrators to look things up. Employers, pledges, reports and hires are read-only
here: statuses and figures change only through the services (employer pages and API), which check
permissions and write events."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from employers.models import (
    CandidateInvitation,
    Employer,
    EmployerEvent,
    Hire,
    JobRole,
    Pledge,
    PledgeEvent,
    ProgressReport,
    Representative,
    RepresentativeInvitation,
)


@admin.register(Employer)
class EmployerAdmin(ReadOnlyAdmin):
    list_display = ["legal_name", "trading_name", "registration_number", "naics_code", "size_class", "status"]
    list_filter = ["status", "size_class"]
    search_fields = ["legal_name", "trading_name", "registration_number"]


@admin.register(EmployerEvent)
class EmployerEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "employer", "action", "from_status", "to_status", "actor"]
    list_filter = ["action"]
    list_select_related = ["employer", "actor"]


@admin.register(Representative)
class RepresentativeAdmin(ReadOnlyAdmin):
    list_display = ["employer", "user", "added_at", "removed_at"]
    list_select_related = ["employer", "user"]
    search_fields = ["employer__legal_name", "user__email"]


@admin.register(RepresentativeInvitation)
class RepresentativeInvitationAdmin(ReadOnlyAdmin):
    list_display = ["employer", "email", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_select_related = ["employer"]
    exclude = ["token_hash"]


@admin.register(Pledge)
class PledgeAdmin(ReadOnlyAdmin):
    list_display = ["framework_name", "employer", "status", "start_date", "target_date"]
    list_filter = ["status"]
    list_select_related = ["employer"]
    search_fields = ["framework_name", "employer__legal_name"]


@admin.register(PledgeEvent)
class PledgeEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "pledge", "action", "from_status", "to_status", "actor"]
    list_filter = ["action"]
    list_select_related = ["pledge", "actor"]


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ["pledge", "year", "quarter", "status", "hires_total", "verified_hires_total"]
    list_filter = ["status", "year", "quarter"]
    list_select_related = ["pledge"]
    exclude = ["evidence"]  # the payroll extract is served only through the permission-checked page


@admin.register(JobRole)
class JobRoleAdmin(ReadOnlyAdmin):
    list_display = ["title", "employer", "assessment_method", "is_open", "open_positions"]
    list_filter = ["is_open", "assessment_method"]
    list_select_related = ["employer"]
    search_fields = ["title"]


@admin.register(Hire)
class HireAdmin(ReadOnlyAdmin):
    list_display = ["employer", "job_role", "hired_on", "source"]
    list_filter = ["source"]
    list_select_related = ["employer", "job_role"]


@admin.register(CandidateInvitation)
class CandidateInvitationAdmin(ReadOnlyAdmin):
    list_display = ["job_role", "created_at"]
    list_select_related = ["job_role"]
