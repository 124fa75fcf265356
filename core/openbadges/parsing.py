"""Reading a badge: at most ``MAX_BYTES``, as JSON, a compact JWT, a JWT in a JSON string or an
EnvelopedVerifiableCredential; VC-JWT 1.1 claims as credential properties; the parts of a credential
(issuer, subject, achievement); and the "structure" check (contexts, types, the required parts)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.openbadges.common import BadgeError, Check, _numeric_date, _short, _utc_text
from core.openbadges.encodings import _b64url_decode, _loads

MAX_BYTES = 256 * 1024
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
_OB3_CONTEXT_RE = re.compile(r"^https://purl\.imsglobal\.org/spec/ob/v3p0/context-3\.0\.\d+\.json$")
CREDENTIAL_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})
JWT_TYPES = frozenset({"vc+jwt", "vc+ld+json+jwt", "jwt"})
_JWT_RE = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")
_ENVELOPE_PREFIX = "data:application/vc+jwt,"


@dataclass
class _Parsed:
    credential: dict[str, Any]
    proof_format: str
    jwt_header: dict[str, Any] | None = None
    jwt_claims: dict[str, Any] | None = None
    jwt_signing_input: bytes = b""
    jwt_signature: bytes = b""


def _parse_jwt(token: str) -> _Parsed:
    if not _JWT_RE.match(token):
        raise BadgeError("it is not a compact JWT (three base64url parts separated by dots)")
    header_b64, payload_b64, signature_b64 = token.split(".")
    try:
        header = _loads(_b64url_decode(header_b64).decode("utf-8"))
        claims = _loads(_b64url_decode(payload_b64).decode("utf-8"))
    except UnicodeDecodeError as error:
        raise BadgeError("the JWT header or payload is not UTF-8 JSON") from error
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise BadgeError("the JWT header and payload must be JSON objects")
    signature = _b64url_decode(signature_b64)
    typ = header.get("typ")
    if typ is not None and (
        not isinstance(typ, str) or typ.lower().removeprefix("application/") not in JWT_TYPES
    ):
        raise BadgeError(f'the JWT type "{_short(typ, 40)}" is not a credential')
    vc = claims.get("vc")
    credential = _credential_from_vc_jwt_11(vc, claims) if isinstance(vc, dict) else claims
    return _Parsed(
        credential=credential,
        proof_format="jwt",
        jwt_header=header,
        jwt_claims=claims,
        jwt_signing_input=f"{header_b64}.{payload_b64}".encode("ascii"),
        jwt_signature=signature,
    )


def _credential_from_vc_jwt_11(vc: dict[str, Any], claims: Mapping[str, Any]) -> dict[str, Any]:
    """VC-JWT 1.1: the registered claims stand for credential properties the ``vc`` claim may leave out."""
    credential = dict(vc)
    if isinstance(claims.get("iss"), str) and "issuer" not in credential:
        credential["issuer"] = claims["iss"]
    if isinstance(claims.get("jti"), str) and "id" not in credential:
        credential["id"] = claims["jti"]
    subject = credential.get("credentialSubject")
    if isinstance(claims.get("sub"), str) and isinstance(subject, dict) and "id" not in subject:
        credential["credentialSubject"] = {**subject, "id": claims["sub"]}
    nbf, exp = _numeric_date(claims.get("nbf")), _numeric_date(claims.get("exp"))
    if nbf and "issuanceDate" not in credential and "validFrom" not in credential:
        credential["issuanceDate"] = _utc_text(nbf)
    if exp and "expirationDate" not in credential and "validUntil" not in credential:
        credential["expirationDate"] = _utc_text(exp)
    return credential


def _parse(raw: str | bytes) -> _Parsed:
    if isinstance(raw, str):
        if len(raw) > MAX_BYTES or len(raw.encode("utf-8", "surrogatepass")) > MAX_BYTES:
            raise BadgeError(f"it is larger than {MAX_BYTES // 1024} KB")
        text = raw
    elif isinstance(raw, bytes | bytearray | memoryview):
        data = bytes(raw)
        if len(data) > MAX_BYTES:
            raise BadgeError(f"it is larger than {MAX_BYTES // 1024} KB")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise BadgeError("it is not UTF-8 text") from error
    else:
        raise BadgeError("it is neither text nor bytes")
    text = text.removeprefix("\ufeff").strip()
    if not text:
        raise BadgeError("it is empty")
    if not text.startswith(("{", "[", '"')):
        return _parse_jwt(text)
    document = _loads(text)
    if isinstance(document, str):  # a JWT given as a JSON string
        return _parse_jwt(document.strip())
    if not isinstance(document, dict):
        raise BadgeError("it is JSON but not a credential object")
    envelope_id = document.get("id")
    if (
        _as_list(document.get("type")) == ["EnvelopedVerifiableCredential"]
        and isinstance(envelope_id, str)
        and envelope_id.startswith(_ENVELOPE_PREFIX)
    ):
        return _parse_jwt(envelope_id[len(_ENVELOPE_PREFIX) :])
    return _Parsed(credential=document, proof_format="data_integrity" if "proof" in document else "unknown")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _issuer_id(credential: Mapping[str, Any]) -> str:
    issuer = credential.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else ""


def _subject(credential: Mapping[str, Any]) -> dict[str, Any] | None:
    subject = credential.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    return subject if isinstance(subject, dict) else None


def _achievement(credential: Mapping[str, Any]) -> dict[str, Any] | None:
    subject = _subject(credential)
    achievement = subject.get("achievement") if subject else None
    return achievement if isinstance(achievement, dict) else None


def _check_structure(credential: Mapping[str, Any]) -> Check:
    problems = []
    contexts = _as_list(credential.get("@context"))
    if not contexts or contexts[0] not in (VC_V2_CONTEXT, VC_V1_CONTEXT):
        problems.append("its @context does not start with the Verifiable Credentials context")
    if not any(isinstance(context, str) and _OB3_CONTEXT_RE.match(context) for context in contexts):
        problems.append("its @context does not include the Open Badges 3.0 context")
    types = _as_list(credential.get("type"))
    if "VerifiableCredential" not in types:
        problems.append("its type does not include VerifiableCredential")
    if not CREDENTIAL_TYPES & {value for value in types if isinstance(value, str)}:
        problems.append("its type does not include OpenBadgeCredential")
    if not _issuer_id(credential):
        problems.append("it names no issuer")
    subject = _subject(credential)
    if subject is None:
        problems.append("it has no credentialSubject")
    elif not isinstance(subject.get("achievement"), dict):
        problems.append("its credentialSubject has no achievement")
    if "validFrom" not in credential and "issuanceDate" not in credential:
        problems.append("it has no validFrom date")
    if problems:
        return Check("structure", False, "Not an Open Badges 3.0 credential: " + "; ".join(problems) + ".")
    version = "2.0" if contexts[0] == VC_V2_CONTEXT else "1.1"
    return Check("structure", True, f"An Open Badges 3.0 credential (Verifiable Credentials {version}).")
