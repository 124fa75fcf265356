"""What each export holds and who may have it: the roles that may export each kind (``EXPORT_ROLES``) and
get its personal columns (``PERSONAL_ROLES``), the columns (``COLUMNS``; never ``FORBIDDEN_PATHS``), the
rows each person may export (``base_rows``) under the dashboard's filters (``filtered_rows``), and the
headers and values_list query of an export (``export_query``). The table of roles is in the package's
docstring."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import AnyUser, Decision, has_any_role
from accounts.roles import Role
from employers.models import Pledge
from grants.models import Application, Outcome, Payment
from reporting.figures import ReportFilter
from reporting.models import ExportJob

K = ExportJob.Kind
M = Role.PROGRAM_MANAGER
A = Role.ADMINISTRATOR
F = Role.FINANCE_OFFICER
O = Role.OFFICIAL  # noqa: E741

EXPORT_ROLES: dict[str, tuple[Role, ...]] = {
    # Officials see aggregates only (the dashboard, reports and open data), never rows about people's
    # applications, payments or outcomes; pledges are employers' public promises.
    K.APPLICATIONS: (M, A, F),
    K.PAYMENTS: (M, A, F),
    K.PLEDGES: (M, A, O),
    K.OUTCOMES: (M, A),
}

PERSONAL_ROLES: dict[str, tuple[Role, ...]] = {
    K.APPLICATIONS: (M, A),
    K.PAYMENTS: (F, A),
    K.PLEDGES: (),
    K.OUTCOMES: (M, A),
}


@dataclass(frozen=True)
class Column:
    header: str
    path: str  # a values_list path
    personal: bool = False


COLUMNS: dict[str, tuple[Column, ...]] = {
    K.APPLICATIONS: (
        Column("reference", "reference"),
        Column("program", "program__code"),
        Column("funding_round", "funding_round__name"),
        Column("credential", "credential__title"),
        Column("status", "status"),
        Column("region", "applicant_region"),
        Column("employer", "employer__legal_name"),
        Column("submitted_at", "submitted_at"),
        Column("decided_at", "decided_at"),
        Column("amount_requested", "amount_requested"),
        Column("amount_awarded", "amount_awarded"),
        Column("amount_paid", "amount_paid"),
        Column("amount_clawed_back", "amount_clawed_back"),
        Column("applicant_name", "applicant__full_name", personal=True),
        Column("applicant_email", "applicant__email", personal=True),
    ),
    K.PAYMENTS: (
        Column("reference", "reference"),
        Column("application", "application__reference"),
        Column("program", "application__program__code"),
        Column("status", "status"),
        Column("amount", "amount"),
        Column("currency", "currency"),
        Column("payee_type", "payee_type"),
        Column("approved_at", "approved_at"),
        Column("paid_on", "paid_on"),
        Column("batch", "batch__reference"),
        Column("payee_name", "payee_name", personal=True),
        Column("payee_reference", "payee_reference", personal=True),
    ),
    K.PLEDGES: (
        Column("pledge", "pk"),
        Column("employer", "employer__legal_name"),
        Column("employer_region", "employer__region"),
        Column("framework", "framework_name"),
        Column("status", "status"),
        Column("start_date", "start_date"),
        Column("target_date", "target_date"),
        Column("roles_converted_target", "roles_converted_target"),
        Column("credential_holder_hires_target", "credential_holder_hires_target"),
        Column("non_degree_hires_target", "non_degree_hires_target"),
        Column("priority_group_hires_target", "priority_group_hires_target"),
    ),
    K.OUTCOMES: (
        Column("application", "application__reference"),
        Column("program", "application__program__code"),
        Column("quarter_after_completion", "quarter_after_completion"),
        Column("employment_status", "employment_status"),
        Column("annual_wage", "annual_wage"),
        Column("source", "source"),
        Column("observed_on", "observed_on"),
        Column("worker_name", "worker__full_name", personal=True),
    ),
}

# Never exported, whatever the role (a test checks no column path reaches them).
FORBIDDEN_PATHS = (
    "date_of_birth",
    "address",
    "phone",
    "demographics",
    "race",
    "sex",
    "veteran",
    "disability",
    "age_band",
)


def can_export(user: AnyUser, kind: str) -> Decision:
    if kind not in EXPORT_ROLES:
        return Decision.deny(_("There is no such export."))
    return has_any_role(user, EXPORT_ROLES[kind])


def personal_allowed(user: AnyUser, kind: str) -> bool:
    return bool(PERSONAL_ROLES.get(kind)) and bool(has_any_role(user, PERSONAL_ROLES[kind]))


def _managed(user: User) -> QuerySet[Any]:
    return user.managed_programs.values("pk")


def base_rows(user: User, kind: str) -> QuerySet[Any]:
    """Every row of this kind the user may export (before the report filters)."""
    if kind == K.APPLICATIONS:
        rows = Application.objects.exclude(status=Application.Status.DRAFT)
        if user.has_role(A) or user.has_role(O):
            return rows
        if user.has_role(M) and user.has_role(F):
            return rows.filter(Q(program__in=_managed(user)) | Q(status__in=Application.AWARDED))
        if user.has_role(M):
            return rows.filter(program__in=_managed(user))
        if user.has_role(F):
            return rows.filter(status__in=Application.AWARDED)
        return rows.none()
    if kind == K.PAYMENTS:
        if user.has_role(A) or user.has_role(F) or user.has_role(O):
            return Payment.objects.all()
        if user.has_role(M):
            return Payment.objects.filter(application__program__in=_managed(user))
        return Payment.objects.none()
    if kind == K.PLEDGES:
        return Pledge.objects.all() if can_export(user, kind) else Pledge.objects.none()
    if kind == K.OUTCOMES:
        if user.has_role(A) or user.has_role(O):
            return Outcome.objects.all()
        if user.has_role(M):
            return Outcome.objects.filter(application__program__in=_managed(user))
        return Outcome.objects.none()
    raise ValueError(kind)


def filtered_rows(kind: str, rows: QuerySet[Any], filters: ReportFilter) -> QuerySet[Any]:
    """The dashboard's filters, applied through the applications they concern."""
    if kind == K.APPLICATIONS:
        return filters.applications(rows)
    if kind == K.PLEDGES:
        return rows.filter(pk__in=filters.pledges().values("pk"))
    return rows.filter(application__in=filters.applications().values("pk"))


def columns_for(kind: str, *, personal: bool) -> tuple[Column, ...]:
    return tuple(column for column in COLUMNS[kind] if personal or not column.personal)


def export_query(
    user: User, kind: str, filters: ReportFilter, *, personal: bool
) -> tuple[list[str], QuerySet[Any]]:
    """Headers and the values_list query (ordered by primary key, so chunks are stable)."""
    columns = columns_for(kind, personal=personal)
    rows = filtered_rows(kind, base_rows(user, kind), filters).order_by("pk")
    return [column.header for column in columns], rows.values_list(*(column.path for column in columns))
