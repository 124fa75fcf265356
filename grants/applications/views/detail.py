from django.http import HttpRequest, HttpResponse

from accounts.permissions import get_visible_or_404
from grants.applications.views import applicant as views_applicant
from grants.applications.views import staff as views_staff
from grants.permissions import applications_visible_to, is_applicant_side


def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant's page for the applicant (and whoever filed for them); the staff page for staff."""
    application = get_visible_or_404(applications_visible_to(request.user), pk=pk)
    if is_applicant_side(request.user, application):
        return views_applicant.applicant_detail(request, application)
    return views_staff.staff_detail(request, application)
