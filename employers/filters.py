"""The API's list filters for employers, pledges and job roles. Typed and bounded, so that a bad value is
a 400 naming the parameter rather than a query the database cannot run."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.filters import StrictBooleanFilter, WholeNumberFilter
from core.filters import id_filter as core_id_filter
from employers.models import Employer, JobRole, Pledge

ID_MAX = 2**31 - 1  # the ids of employers, pledges and job roles are 32-bit


def id_filter(field_name: str, label: Any) -> WholeNumberFilter:
    return core_id_filter(field_name, label, maximum=ID_MAX)


class EmployerFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Employer.Status.choices, label=_("Status"))
    sector = django_filters.CharFilter(
        field_name="naics_code",
        lookup_expr="startswith",
        max_length=6,
        label=_("NAICS code or its first digits, e.g. 54 or 5415"),
        method="filter_sector",
    )
    size_class = django_filters.ChoiceFilter(choices=Employer.SizeClass.choices, label=_("Size class"))
    search = django_filters.CharFilter(
        max_length=200,
        method="filter_search",
        label=_("Legal name, trading name or registration number contains"),
    )

    class Meta:
        model = Employer
        fields = ["status", "sector", "size_class", "search"]

    def filter_sector(self, queryset: QuerySet[Employer], name: str, value: str) -> QuerySet[Employer]:
        value = value.strip()
        if not value:
            return queryset
        if not value.isdigit():
            # Never a NAICS code: nothing matches (the parameter is free text in the schema).
            return queryset.none()
        return queryset.filter(naics_code__startswith=value)

    def filter_search(self, queryset: QuerySet[Employer], name: str, value: str) -> QuerySet[Employer]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(legal_name__icontains=value)
            | Q(trading_name__icontains=value)
            | Q(registration_number__icontains=value)
        )


class PledgeFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Pledge.Status.choices, label=_("Status"))
    employer = id_filter("employer_id", _("Employer id"))

    class Meta:
        model = Pledge
        fields = ["status", "employer"]


class JobRoleFilter(django_filters.FilterSet):
    employer = id_filter("employer_id", _("Employer id"))
    is_open = StrictBooleanFilter(label=_("Open for hiring"))
    skill = WholeNumberFilter(method="filter_skill", label=_("Skill id"), min_value=1, max_value=ID_MAX)

    class Meta:
        model = JobRole
        fields = ["employer", "is_open", "skill"]

    def filter_skill(self, queryset: QuerySet[JobRole], name: str, value: Any) -> QuerySet[JobRole]:
        # A subquery, not a join: a role is listed once however its skills are stored.
        return queryset.filter(
            pk__in=JobRole.skills.through.objects.filter(skill_id=value).values("jobrole_id")
        )
