"""Recovering money from a paid award (a clawback), with a reason the worker reads."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import Conflict, require
from core.money import to_amount
from grants.applications.workflow import S, lock_application, move_application, tell_applicant
from grants.models import Application, ApplicationEvent, Clawback, Payment
from grants.payments.services.common import P
from grants.permissions import can_handle_payments
from programs.services import budget_claw_back


@transaction.atomic
def clawback_record(
    *, actor: User, application: Application, amount: Any, reason_code: str, explanation: str
) -> Clawback:
    """Record money recovered from a paid award, with a reason the worker can read.

    Side effects: a Clawback, a ledger clawback entry (key clawback:<id>), status clawed_back (first time),
    an event the applicant sees, a notice.
    """
    require(can_handle_payments(actor))
    locked = lock_application(application)
    if locked.status not in (S.PAID, S.CLAWED_BACK):
        raise Conflict(_("Only a paid award can be clawed back."))
    if reason_code not in Clawback.Reason.values:
        raise ValidationError({"reason_code": _("Choose a reason.")})
    if not (explanation or "").strip():
        raise ValidationError({"explanation": _("Explain the recovery; the worker will read it.")})
    value = to_amount(amount, locked.program.currency, field="amount")
    recoverable = locked.amount_paid - locked.amount_clawed_back
    if value > recoverable:
        raise ValidationError(
            {
                "amount": _("At most %(amount)s can be recovered on this award.")
                % {"amount": f"{recoverable:,.2f}"}
            }
        )
    payment = Payment.objects.get(application=locked, status=P.PAID)
    clawback = Clawback.objects.create(
        application=locked,
        payment=payment,
        amount=value,
        reason_code=reason_code,
        explanation=explanation.strip(),
        recorded_by=actor,
    )
    budget_claw_back(
        program=locked.program,
        amount=value,
        idempotency_key=f"clawback:{clawback.pk}",
        reason=_("Recovery on %(ref)s: %(reason)s")
        % {"ref": locked.reference, "reason": clawback.get_reason_code_display()},
        actor=actor,
        subject=clawback,
    )
    locked.amount_clawed_back = locked.amount_clawed_back + value
    payload = {"amount": str(value), "reason_code": reason_code, "clawback": clawback.pk}
    if locked.status == S.PAID:
        move_application(
            locked,
            S.CLAWED_BACK,
            actor=actor,
            action="clawed_back",
            reason=clawback.explanation,
            payload=payload,
            extra_fields=("amount_clawed_back",),
        )
    else:
        locked.save(update_fields=["amount_clawed_back", "updated_at"])
        ApplicationEvent.objects.create(
            application=locked,
            actor=actor,
            action="clawed_back",
            reason=clawback.explanation,
            payload=payload,
        )
    tell_applicant(
        locked,
        _("Money recovered on %(ref)s") % {"ref": locked.reference},
        _("%(amount)s %(currency)s is being recovered: %(reason)s. %(explanation)s")
        % {
            "amount": f"{value:,.2f}",
            "currency": locked.program.currency,
            "reason": clawback.get_reason_code_display(),
            "explanation": clawback.explanation,
        },
    )
    return clawback
