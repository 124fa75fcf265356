"""The badge against what we expect of it: the "issuer" check (registered for the provider, and which of
its keys may sign), "validity" (its dates and the JWT's nbf/exp around now, with ``CLOCK_SKEW`` for the
start), "recipient" (the applicant's id, or their email address, plain or as a salted hash) and
"achievement" (the funded credential's achievement id or Credential Engine CTID)."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from core.openbadges.common import (
    BadgeError,
    Check,
    ExpectedAchievement,
    _numeric_date,
    _parse_date,
    _short,
    _show,
)
from core.openbadges.keys import PublicKey, _is_self_describing_did, _key_from_did, _public_key_from_jwk
from core.openbadges.parsing import _as_list, _Parsed, _subject

# Signed dates may be a few minutes ahead of our clock; expiry gets no such grace.
CLOCK_SKEW = timedelta(minutes=5)


def email_identity_hash(email: str, salt: str) -> str:
    """An Open Badges identity hash: ``sha256$`` + hex SHA-256 of the lower-cased email, then the salt."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()


@dataclass
class _KeyChoice:
    key: PublicKey | None
    check: Check


def _fragment(reference: str) -> str:
    return reference.rsplit("#", 1)[1] if "#" in reference else ""


def _choose_key(
    issuer_id: str, key_ref: str, trusted_issuers: Mapping[str, Sequence[Mapping[str, Any]]], claimed_iss: str
) -> _KeyChoice:
    """Which key may sign for this issuer, and whether the issuer is registered for the provider."""
    if not issuer_id:
        return _KeyChoice(None, Check("issuer", False, "The credential names no issuer."))
    if claimed_iss and claimed_iss != issuer_id:
        return _KeyChoice(
            None,
            Check(
                "issuer",
                False,
                f'The JWT issuer "{_short(claimed_iss)}" is not the credential issuer "{_short(issuer_id)}".',
            ),
        )
    registered = issuer_id in trusted_issuers
    not_registered = f'The issuer "{_short(issuer_id)}" is not registered for this provider.'
    key: PublicKey | None = None
    problem = ""
    if _is_self_describing_did(issuer_id) and (
        key_ref in ("", issuer_id) or key_ref.startswith(issuer_id + "#")
    ):
        try:
            key = _key_from_did(issuer_id)
        except BadgeError as error:
            problem = f"The issuer's key cannot be read from its DID: {error}."
    if key is None and not problem and registered:
        jwks = list(trusted_issuers.get(issuer_id) or ())
        fragment = _fragment(key_ref)
        names = {key_ref, fragment, "#" + fragment} if fragment else {key_ref}
        by_kid = [
            jwk for jwk in jwks if isinstance(jwk.get("kid"), str) and jwk["kid"] and jwk["kid"] in names
        ]
        chosen = by_kid[0] if by_kid else None
        if chosen is None and len(jwks) == 1 and (not key_ref or not jwks[0].get("kid")):
            chosen = jwks[0]
        if chosen is not None:
            try:
                key = _public_key_from_jwk(chosen)
            except BadgeError as error:
                problem = f"The key registered for the issuer cannot be used: {error}."
        elif key_ref:
            problem = (
                f'The signing key "{_short(key_ref)}" does not belong to the issuer "{_short(issuer_id)}".'
            )
        else:
            problem = "The badge does not say which of the issuer's registered keys signed it."
    elif key is None and not problem and key_ref and _is_self_describing_did(issuer_id):
        problem = f'The signing key "{_short(key_ref)}" does not belong to the issuer "{_short(issuer_id)}".'
    if problem:
        detail = problem if registered else f"{not_registered} {problem}"
        return _KeyChoice(None, Check("issuer", False, detail))
    if not registered:
        return _KeyChoice(key, Check("issuer", False, not_registered))
    return _KeyChoice(
        key, Check("issuer", True, f'Issued by "{_short(issuer_id)}", registered for this provider.')
    )


def _check_validity(parsed: _Parsed, now: datetime) -> Check:
    credential, claims = parsed.credential, parsed.jwt_claims or {}
    starts: list[datetime] = []
    ends: list[datetime] = []
    for field, bucket in (
        ("validFrom", starts),
        ("issuanceDate", starts),
        ("validUntil", ends),
        ("expirationDate", ends),
    ):
        if field in credential:
            moment = _parse_date(credential[field])
            if moment is None:
                return Check(
                    "validity",
                    False,
                    f'The {field} "{_short(credential[field], 40)}" is not a valid date-time.',
                )
            bucket.append(moment)
    for claim, bucket in (("nbf", starts), ("exp", ends)):
        if claim in claims:
            moment = _numeric_date(claims[claim])
            if moment is None:
                return Check("validity", False, f"The JWT {claim} claim is not a valid date.")
            bucket.append(moment)
    start, end = (max(starts) if starts else None), (min(ends) if ends else None)
    if start is not None and now + CLOCK_SKEW < start:
        return Check("validity", False, f"Not yet valid: the badge is valid from {_show(start)}.")
    if end is not None and now > end:
        return Check("validity", False, f"Expired: the badge was valid until {_show(end)}.")
    since = f"from {_show(start)}" if start else "with no start date"
    until = f"until {_show(end)}" if end else "with no end date"
    return Check("validity", True, f"Valid {since} {until}.")


def _same_text(left: str, right: str) -> bool:
    return hmac.compare_digest(left.encode("utf-8"), right.encode("utf-8"))


def _check_recipient(
    credential: Mapping[str, Any], recipient_ids: Collection[str], recipient_email: str | None
) -> Check:
    subject = _subject(credential)
    if subject is None:
        return Check(
            "recipient", False, "The credential has no credentialSubject to compare with the applicant."
        )
    subject_id = subject.get("id")
    if isinstance(subject_id, str) and subject_id and subject_id in recipient_ids:
        return Check("recipient", True, f'Addressed to the applicant ("{_short(subject_id)}").')
    email_identities = [
        identity
        for identity in _as_list(subject.get("identifier"))
        if isinstance(identity, dict) and identity.get("identityType") == "emailAddress"
    ]
    if recipient_email:
        email = recipient_email.strip().lower()
        for identity in email_identities:
            value = identity.get("identityHash")
            if not isinstance(value, str):
                continue
            if identity.get("hashed") is True:
                salt = identity.get("salt")
                salt = salt if isinstance(salt, str) else ""
                if value.lower().startswith("sha256$") and _same_text(
                    value.lower(), email_identity_hash(email, salt)
                ):
                    return Check(
                        "recipient", True, "Addressed to the applicant's email address (salted hash)."
                    )
            elif _same_text(value.strip().lower(), email):
                return Check("recipient", True, "Addressed to the applicant's email address.")
    named = []
    if isinstance(subject_id, str) and subject_id:
        named.append(f'"{_short(subject_id)}"')
    if email_identities:
        named.append("an email address that is not the applicant's")
    if not named:
        return Check("recipient", False, "The credential does not say who it was awarded to.")
    return Check("recipient", False, "Addressed to someone else: " + " and ".join(named) + ".")


def _segments(value: Any) -> set[str]:
    return (
        {part.lower() for part in re.split(r"[/?#=&:]", value) if part} if isinstance(value, str) else set()
    )


def _check_achievement(achievement: Mapping[str, Any] | None, expected: ExpectedAchievement) -> Check:
    if achievement is None:
        return Check("achievement", False, "The credential names no achievement.")
    name = _short(achievement.get("name") or achievement.get("id") or "(unnamed)")
    if not expected.ids and not expected.ctid:
        return Check(
            "achievement", False, "The funded credential has no achievement id or CTID to compare with."
        )
    achievement_id = achievement.get("id")
    if isinstance(achievement_id, str) and achievement_id in expected.ids:
        return Check("achievement", True, f'"{name}" is the funded credential (achievement id).')
    ctid = expected.ctid.strip().lower()
    if ctid:
        places = []
        if ctid in _segments(achievement_id):
            places.append("achievement id")
        for alignment in _as_list(achievement.get("alignment")):
            if isinstance(alignment, dict) and (
                ctid in _segments(alignment.get("targetUrl"))
                or (
                    isinstance(alignment.get("targetCode"), str)
                    and alignment["targetCode"].strip().lower() == ctid
                )
            ):
                places.append("alignment")
        for entry in _as_list(achievement.get("otherIdentifier")):
            if isinstance(entry, dict) and ctid in _segments(entry.get("identifier")):
                places.append("other identifier")
        if places:
            return Check("achievement", True, f'"{name}" is the funded credential (CTID in its {places[0]}).')
    return Check("achievement", False, f'"{name}" is not the funded credential.')
