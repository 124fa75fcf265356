"""The entry point: ``verify_badge`` reads the badge, then runs every check in ``CHECK_NAMES`` order and
returns the ``Verdict``; it never raises on bad input and never uses the network."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from core.openbadges.common import CHECK_NAMES, BadgeError, Check, ExpectedAchievement, Verdict, _short
from core.openbadges.matching import _check_achievement, _check_recipient, _check_validity, _choose_key
from core.openbadges.parsing import _achievement, _check_structure, _issuer_id, _parse, _Parsed
from core.openbadges.proofs import _select_proof, _verify_data_integrity, _verify_jwt_signature


def verify_badge(
    raw: str | bytes,
    *,
    trusted_issuers: Mapping[str, Sequence[Mapping[str, Any]]],
    recipient_ids: Collection[str],
    recipient_email: str | None,
    expected: ExpectedAchievement,
    now: datetime,
) -> Verdict:
    """Check an Open Badges 3.0 credential (JSON with an embedded proof, or a compact JWT).

    ``trusted_issuers`` maps each issuer id registered for the provider to its public JWKs (empty for a
    did:key / did:jwk issuer, whose key is in the DID). Never raises on bad input and never uses the network.
    """
    if now.tzinfo is None:
        raise ValueError("Use a timezone-aware datetime.")
    try:
        parsed = _parse(raw)
    except BadgeError as error:
        check = Check("format", False, f"The badge cannot be read: {error}.")
        return Verdict(False, (check,), "unknown", None, "", None)
    try:
        checks = _run_checks(parsed, trusted_issuers, recipient_ids, recipient_email, expected, now)
    except (
        BadgeError,
        TypeError,
        ValueError,
        AttributeError,
        KeyError,
        RecursionError,
    ) as error:  # pragma: no cover
        checks = [Check("format", False, f"The badge cannot be checked: {_short(str(error))}.")]
    credential = parsed.credential
    return Verdict(
        verified=all(check.passed for check in checks) and len(checks) == len(CHECK_NAMES),
        checks=tuple(checks),
        proof_format=parsed.proof_format,
        credential=credential,
        issuer_id=_issuer_id(credential),
        achievement=_achievement(credential),
    )


def _run_checks(
    parsed: _Parsed,
    trusted_issuers: Mapping[str, Sequence[Mapping[str, Any]]],
    recipient_ids: Collection[str],
    recipient_email: str | None,
    expected: ExpectedAchievement,
    now: datetime,
) -> list[Check]:
    credential = parsed.credential
    kind = "a compact JWT" if parsed.proof_format == "jwt" else "JSON"
    checks = [Check("format", True, f"Read as {kind}.")]
    checks.append(_check_structure(credential))

    issuer_id = _issuer_id(credential)
    proof: dict[str, Any] | None = None
    if parsed.jwt_header is not None:
        kid = parsed.jwt_header.get("kid")
        key_ref = kid if isinstance(kid, str) else ""
        iss = (parsed.jwt_claims or {}).get("iss")
        claimed_iss = iss if isinstance(iss, str) else ""
    else:
        proof = _select_proof(credential)
        method = proof.get("verificationMethod") if proof else None
        key_ref = method if isinstance(method, str) else ""
        claimed_iss = ""
    choice = _choose_key(issuer_id, key_ref, trusted_issuers, claimed_iss)
    checks.append(choice.check)

    if parsed.jwt_header is None and proof is None:
        checks.append(Check("signature", False, "The credential carries no proof (signature)."))
    elif choice.key is None:
        checks.append(
            Check("signature", False, "Not checked: no key of the issuer could be found to check it with.")
        )
    elif proof is not None:
        checks.append(_verify_data_integrity(credential, proof, choice.key, now))
    else:
        checks.append(_verify_jwt_signature(parsed, choice.key))

    checks.append(_check_validity(parsed, now))
    checks.append(_check_recipient(credential, recipient_ids, recipient_email))
    checks.append(_check_achievement(_achievement(credential), expected))
    return checks
