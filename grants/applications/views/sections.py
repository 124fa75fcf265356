"""Parts of an application's page that other areas add.

The two pages of one application (the applicant's, grants.applications.views.applicant.applicant_detail,
and the staff's, grants.applications.views.staff.staff_detail) are built in grants.applications, the area
every other one builds on. What happens after approval (the award: enrolment, completion claims,
outcomes, with their forms) belongs to grants.awards, which registers its section of each page here when
the app starts (grants/apps.py). So the pages import nothing from the areas above them, and those areas'
own views can show the page again with their bound forms (grants.awards.views) without a cycle.

A section is a function of the request and the application (and, on the staff page, whether the caller
manages the program and the bound forms to show again) that returns context for the page's template."""

from collections.abc import Callable
from typing import Any, Protocol

from django.http import HttpRequest

from grants.models import Application

ApplicantSection = Callable[[HttpRequest, Application], dict[str, Any]]


class StaffSection(Protocol):
    def __call__(
        self, request: HttpRequest, application: Application, *, is_manager: bool, bound: dict[str, Any]
    ) -> dict[str, Any]: ...


_applicant_sections: list[ApplicantSection] = []
_staff_sections: list[StaffSection] = []


def add_applicant_section(section: ApplicantSection) -> None:
    if section not in _applicant_sections:
        _applicant_sections.append(section)


def add_staff_section(section: StaffSection) -> None:
    if section not in _staff_sections:
        _staff_sections.append(section)


def applicant_sections(request: HttpRequest, application: Application) -> dict[str, Any]:
    """The context every registered section adds to the applicant's page."""
    context: dict[str, Any] = {}
    for section in _applicant_sections:
        context.update(section(request, application))
    return context


def staff_sections(
    request: HttpRequest, application: Application, *, is_manager: bool, bound: dict[str, Any]
) -> dict[str, Any]:
    """The context every registered section adds to the staff page."""
    context: dict[str, Any] = {}
    for section in _staff_sections:
        context.update(section(request, application, is_manager=is_manager, bound=bound))
    return context
