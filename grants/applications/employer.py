"""Applications an employer files for an employee (employer programs such as reimbursements and retention
grants): the representative names the employee, who is invited to link their account; the employer is the
payee and the program's employer caps apply (grants.applications.services.assess,
services_payments.payee_for).

The employee is the applicant, so per-person caps and the no-double-funding rule follow the person. If no
account exists for their address, an inactive one is opened for them, which they activate from the
invitation by choosing a password; an existing account is linked when its owner confirms. Either way the
employer is told the same thing, so naming an address reveals nothing about who has an account.
"""

from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from accounts.services import invited_user_activate, invited_user_create, notice_send
from core.exceptions import Conflict, NotAllowed, require
from core.mail import send_mail_on_commit
from core.money import to_amount
from core.workflow import lock
from employers.models import Employer
from employers.permissions import is_active_representative
from grants.applications.workflow import (
    S,
    check_taking_applications,
    lock_application,
    move_application,
    new_reference,
)
from grants.models import Application, ApplicationEvent
from programs.models import Credential, Program

LINK_SALT = "skillsfund.grants.employee-link"
LINK_MAX_AGE = 60 * 60 * 24 * 30  # an invitation to link is good for 30 days


def employee_link_token(application: Application) -> str:
    return signing.dumps({"application": application.pk, "user": application.applicant_id}, salt=LINK_SALT)


def application_for_link_token(token: str) -> Application | None:
    """The application an invitation token names, if the token is genuine, recent and still matches."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("application"), int):
        return None
    application = (
        Application.objects.select_related("applicant", "employer", "program", "credential")
        .filter(pk=data["application"], applicant_id=data.get("user"), employer__isnull=False)
        .first()
    )
    return application


def _invite_employee(application: Application, *, employer: Employer) -> None:
    path = reverse("grants:employee_link", args=[employee_link_token(application)])
    context = {
        "employer": employer.display_name,
        "program": application.program.name,
        "credential": application.credential.title,
        "reference": application.reference,
        "path": path,
        "new_account": not application.applicant.is_active,
        "site_url": settings.SITE_URL,
    }
    send_mail_on_commit(
        subject=_("%(employer)s applied for training funding for you") % {"employer": employer.display_name},
        body=render_to_string("grants/email/employee_invitation.txt", context),
        recipients=[application.applicant.email],
    )
    if application.applicant.is_active:
        notice_send(
            user=application.applicant,
            subject=_("%(employer)s applied for training funding for you (%(ref)s)")
            % {"employer": employer.display_name, "ref": application.reference},
            body=_("Confirm that this is you, or tell us it is not."),
            url=path,
            mail=False,
        )


@transaction.atomic
def employer_application_create(
    *,
    actor: User,
    employer: Employer,
    program: Program,
    credential: Credential,
    amount_requested: Any,
    employee_email: str,
    employee_name: str,
    statement: str = "",
) -> Application:
    """An employer representative starts a draft for an employee in an employer program.

    Side effects: maybe an inactive account for the employee (with an audited worker role), the draft, an
    event, and an invitation to the employee after commit.
    """
    require(is_active_representative(actor, employer))
    locked_employer = lock(employer)
    if locked_employer.status != Employer.Status.VERIFIED:
        raise Conflict(_("Only a verified employer can apply; the agency is still checking this employer."))
    if program.applicant_type != Program.ApplicantType.EMPLOYER:
        raise ValidationError(_("Workers apply to this program themselves."))
    funding_round = check_taking_applications(program, credential)
    amount = to_amount(amount_requested, program.currency, field="amount_requested")
    email = User.objects.normalize_email(str(employee_email or "").strip())
    name = str(employee_name or "").strip()
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["employee_email"] = [_("Enter the employee's own email address.")]
    if not name or len(name) > 200:
        errors["employee_name"] = [_("Enter the employee's full name.")]
    if email.lower() == actor.email.lower():
        errors.setdefault("employee_email", []).append(_("Name the employee, not yourself."))
    if errors:
        raise ValidationError(errors)
    employee = User.objects.filter(email__iexact=email).first()
    if employee is None:
        employee = invited_user_create(
            email=email,
            full_name=name,
            role=Role.WORKER,
            invited_by=actor,
            reason=_("Named as an employee by %(employer)s") % {"employer": locked_employer.legal_name},
        )
    elif Role.WORKER not in employee.role_names:
        # Agency staff and employer accounts are not applicants; say so without naming the account type.
        raise ValidationError(
            {"employee_email": _("This address cannot be used for an employee application.")}
        )
    application = Application(
        reference=new_reference(),
        applicant=employee,
        filed_by=actor,
        employer=locked_employer,
        program=program,
        funding_round=funding_round,
        credential=credential,
        amount_requested=amount,
        statement=str(statement or "").strip(),
    )
    application.full_clean(exclude=["reference"])
    application.save()
    ApplicationEvent.objects.create(
        application=application,
        actor=actor,
        action="created",
        to_status=S.DRAFT,
        payload={"employer": locked_employer.pk, "filed_for_employee": True},
    )
    _invite_employee(application, employer=locked_employer)
    return application


@transaction.atomic
def employee_link_confirm(*, actor: User, application: Application) -> Application:
    """The employee confirms an application their employer filed is about them."""
    locked = lock_application(application)
    if actor.pk != locked.applicant_id or locked.employer_id is None:
        raise NotAllowed(_("This invitation is for someone else."))
    if locked.employee_linked_at is None:
        locked.employee_linked_at = timezone.now()
        locked.save(update_fields=["employee_linked_at", "updated_at"])
        ApplicationEvent.objects.create(application=locked, actor=actor, action="employee_linked")
    return locked


@transaction.atomic
def employee_link_decline(*, actor: User, application: Application, reason: str = "") -> Application:
    """The person named says the application is not about them (or they do not want it): an undecided
    application is withdrawn, and the employer is told."""
    locked = lock_application(application)
    if actor.pk != locked.applicant_id or locked.employer_id is None:
        raise NotAllowed(_("This invitation is for someone else."))
    if locked.is_decided:
        raise Conflict(_("This application has been decided; contact the program's staff."))
    why = (reason or "").strip() or _("The employee said this application is not for them.")
    move_application(locked, S.WITHDRAWN, actor=actor, action="employee_declined", reason=why)
    notice_send(
        user=locked.filed_by,
        subject=_("The employee declined application %(ref)s") % {"ref": locked.reference},
        body=why,
        url=reverse("grants:application_detail", args=[locked.pk]),
    )
    return locked


@transaction.atomic
def employee_account_activate(*, application: Application, password: str) -> User:
    """A new employee account, opened by the employer, is activated from the invitation: the person
    chooses a password, and the application is linked."""
    user = application.applicant
    if user.is_active:
        raise Conflict(_("This account is already active; sign in to confirm the application."))
    activated = invited_user_activate(user=user, password=password)
    employee_link_confirm(actor=activated, application=application)
    return activated
