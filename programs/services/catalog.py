"""The credential catalog: training providers, skills, occupations, credentials, requests for credentials
not yet listed, and the Open Badges issuers trusted for a provider."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.dates import add_months, check_within
from core.exceptions import require
from core.money import to_amount
from core.workflow import lock, transition
from programs.models import (
    BadgeIssuer,
    Credential,
    CredentialRequest,
    CredentialRequestEvent,
    Occupation,
    Skill,
    TrainingProvider,
    onet_soc_validator,
)
from programs.permissions import can_manage_catalog, can_request_credential
from programs.services.common import _full_clean

# The window a provider's listing dates must fall in.
# Eligible-training-provider lists began with the US Workforce Investment Act of 1998 (in force in 2000),
# so no listing starts or ends earlier; twenty years ahead is longer than any listing is granted for.
# As this window only widens with time, a provider's stored dates always stay inside it.
PROVIDER_LISTING_EARLIEST = date(2000, 1, 1)
PROVIDER_LISTING_YEARS_AHEAD = 20


# ---------------------------------------------------------------- catalog


@transaction.atomic
def provider_save(
    *, actor: User, provider: TrainingProvider | None = None, **fields: Any
) -> TrainingProvider:
    require(can_manage_catalog(actor))
    instance = provider or TrainingProvider()
    for name, value in fields.items():
        setattr(instance, name, value)
    if instance.registration_number == "":
        instance.registration_number = None
    _full_clean(instance)
    latest = add_months(timezone.localdate(), 12 * PROVIDER_LISTING_YEARS_AHEAD)
    errors: dict[str, list[str]] = {}
    for name in ("eligible_from", "eligible_until"):
        if getattr(instance, name) is not None:
            try:
                check_within(
                    getattr(instance, name), field=name, earliest=PROVIDER_LISTING_EARLIEST, latest=latest
                )
            except ValidationError as error:
                errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    instance.save()
    return instance


@transaction.atomic
def skill_save(*, actor: User, skill: Skill | None = None, **fields: Any) -> Skill:
    require(can_manage_catalog(actor))
    instance = skill or Skill()
    for name, value in fields.items():
        setattr(instance, name, value)
    _full_clean(instance)
    instance.save()
    return instance


@transaction.atomic
def occupation_get_or_create(*, code: str, title: str = "") -> Occupation:
    occupation = Occupation.objects.filter(code=code).first()
    if occupation is None:
        occupation = Occupation(code=code, title=title or code)
        _full_clean(occupation)
        occupation.save()
    return occupation


def _clean_occupation_codes(codes: Iterable[str]) -> list[str]:
    cleaned = []
    for code in codes:
        code = str(code).strip()
        try:
            onet_soc_validator(code)
        except ValidationError as error:
            raise ValidationError(
                {
                    "occupation_codes": _(
                        "“%(code)s” is not an O*NET-SOC code; use the form NN-NNNN.NN, e.g. 15-1212.00."
                    )
                    % {"code": code}
                }
            ) from error
        cleaned.append(code)
    return sorted(set(cleaned))


@transaction.atomic
def credential_save(
    *,
    actor: User,
    credential: Credential | None = None,
    occupation_codes: Iterable[str] | None = None,
    skills: Iterable[Skill] | None = None,
    **fields: Any,
) -> Credential:
    """Create or change a catalog credential; occupation codes are checked and linked."""
    require(can_manage_catalog(actor))
    instance = credential or Credential()
    for name, value in fields.items():
        setattr(instance, name, value)
    if instance.ctid == "":
        instance.ctid = None
    if "cost" in fields:
        instance.cost = to_amount(fields["cost"], instance.currency or "USD", field="cost", allow_zero=True)
    codes = _clean_occupation_codes(occupation_codes) if occupation_codes is not None else None
    _full_clean(instance)
    instance.save()
    if codes is not None:
        instance.occupations.set([occupation_get_or_create(code=code) for code in codes])
    if skills is not None:
        instance.skills.set(list(skills))
    return instance


# ---------------------------------------------------------------- credential requests


@transaction.atomic
def credential_request_submit(*, actor: User, **fields: Any) -> CredentialRequest:
    """A worker or employer representative asks for a credential that is not listed."""
    require(can_request_credential(actor))
    request = CredentialRequest(requested_by=actor, **fields)
    if request.cost is not None:
        request.cost = to_amount(request.cost, "USD", field="cost")
    _full_clean(request)
    request.save()
    CredentialRequestEvent.objects.create(request=request, actor=actor, to_status=request.status)
    return request


def _decide_request(
    actor: User, request: CredentialRequest, to_status: str, reason: str
) -> CredentialRequest:
    locked = lock(request)
    require(can_manage_catalog(actor))
    locked.decided_by, locked.decided_at, locked.decision_reason = actor, timezone.now(), reason
    transition(
        locked,
        to_status,
        actor=actor,
        reason=reason,
        fields=("decided_by", "decided_at", "decision_reason"),
    )
    return locked


@transaction.atomic
def credential_request_approve(
    *, actor: User, request: CredentialRequest, credential: Credential, reason: str = ""
) -> CredentialRequest:
    """Approve a request by pointing it at the catalog credential made (or found) for it."""
    locked = _decide_request(actor, request, CredentialRequest.Status.APPROVED, reason)
    locked.credential = credential
    locked.save(update_fields=["credential"])
    return locked


@transaction.atomic
def credential_request_decline(*, actor: User, request: CredentialRequest, reason: str) -> CredentialRequest:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the request is declined; the requester will read it.")})
    return _decide_request(actor, request, CredentialRequest.Status.DECLINED, reason)


# ---------------------------------------------------------------- Open Badges issuers


@transaction.atomic
def badge_issuer_register(
    *, actor: User, provider: TrainingProvider, issuer_id: str, public_keys: Any = None
) -> BadgeIssuer:
    """Register an Open Badges issuer (DID or URL) and its public keys for a provider.

    Keys are public JWKs (Ed25519 "OKP" or P-256 "EC"); a did:key or did:jwk issuer needs none.
    """
    require(can_manage_catalog(actor))
    issuer_id = str(issuer_id or "").strip()
    if not issuer_id or len(issuer_id) > 500:
        raise ValidationError({"issuer_id": _("Give the issuer's id: a DID or an https URL.")})
    if not issuer_id.startswith(("did:", "https://")):
        raise ValidationError({"issuer_id": _("An issuer id starts with “did:” or “https://”.")})
    keys = public_keys or []
    if not isinstance(keys, list) or not all(isinstance(key, dict) for key in keys) or len(keys) > 10:
        raise ValidationError({"public_keys": _("Give up to ten public keys as JWK objects.")})
    for key in keys:
        if key.get("kty") not in ("OKP", "EC") or "d" in key or not key.get("x"):
            raise ValidationError(
                {"public_keys": _("Each key must be a public Ed25519 (OKP) or P-256 (EC) JWK, without “d”.")}
            )
    if not keys and not issuer_id.startswith(("did:key:", "did:jwk:")):
        raise ValidationError(
            {"public_keys": _("Give the issuer's public key; only did:key and did:jwk carry it.")}
        )
    locked = lock(provider)
    if BadgeIssuer.objects.filter(provider=locked, issuer_id=issuer_id, revoked_at__isnull=True).exists():
        raise ValidationError({"issuer_id": _("This issuer is already registered for the provider.")})
    return BadgeIssuer.objects.create(provider=locked, issuer_id=issuer_id, public_keys=keys, added_by=actor)


@transaction.atomic
def badge_issuer_revoke(*, actor: User, issuer: BadgeIssuer) -> BadgeIssuer:
    """Stop trusting an issuer (a leaked key, a provider that left the list); the record stays."""
    require(can_manage_catalog(actor))
    locked = lock(issuer)
    if locked.revoked_at is None:
        locked.revoked_at, locked.revoked_by = timezone.now(), actor
        locked.save(update_fields=["revoked_at", "revoked_by"])
    return locked
