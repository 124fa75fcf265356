"""Open Badges 3.0 verification and issuing, with no network and no domain.

A badge arrives as JSON with an embedded Data Integrity proof (cryptosuite ``eddsa-jcs-2022``) or as a
compact JWT (VC-JOSE-COSE, where the payload is the credential, or VC-JWT 1.1 with a ``vc`` claim).
``verify_badge`` runs every check it can and returns a ``Verdict`` naming each result, so staff see all
of them; it never raises on bad input. Keys come only from the issuer's own ``did:key`` / ``did:jwk``
or from the public JWKs staff registered for the provider: nothing is fetched (no contexts, no DID
documents). See docs/adr/0007-open-badges-verification.md.

The issuing helpers (``build_badge``, ``sign_badge_jwt``, ``sign_badge_data_integrity``) exist for demo
data and tests.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from core.control_characters import holds_control_character

MAX_BYTES = 256 * 1024
MAX_DEPTH = 32
# Signed dates may be a few minutes ahead of our clock; expiry gets no such grace.
CLOCK_SKEW = timedelta(minutes=5)

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
_OB3_CONTEXT_RE = re.compile(r"^https://purl\.imsglobal\.org/spec/ob/v3p0/context-3\.0\.\d+\.json$")
CREDENTIAL_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})
JWT_TYPES = frozenset({"vc+jwt", "vc+ld+json+jwt", "jwt"})

CHECK_NAMES = ("format", "structure", "issuer", "signature", "validity", "recipient", "achievement")

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {char: index for index, char in enumerate(_B58_ALPHABET)}
_ED25519_CODEC = b"\xed\x01"  # multicodec ed25519-pub, as an unsigned varint
_P256_CODEC = b"\x80\x24"  # multicodec p256-pub (0x1200), as an unsigned varint
_B64URL_RE = re.compile(r"^[A-Za-z0-9_-]*$")
_JWT_RE = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")
_JSON_SYNTAX_RE = re.compile(r'[\[\]{}"\\]')
_ENVELOPE_PREFIX = "data:application/vc+jwt,"


class BadgeError(Exception):
    """Something in a badge that a check reports; never escapes ``verify_badge``."""


# --- results -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "detail": self.detail}


@dataclass(frozen=True)
class Verdict:
    verified: bool
    checks: tuple[Check, ...]
    proof_format: str  # "jwt" | "data_integrity" | "unknown"
    credential: dict[str, Any] | None
    issuer_id: str
    achievement: dict[str, Any] | None

    @property
    def failing(self) -> Check | None:
        """The first check that failed, or None when the badge is verified."""
        return next((check for check in self.checks if not check.passed), None)

    def check(self, name: str) -> Check | None:
        return next((check for check in self.checks if check.name == name), None)

    def as_dict(self) -> dict[str, Any]:
        """What to store on a claim: the checks and a short summary, not the whole (maybe large) badge."""
        achievement = self.achievement or {}
        credential = self.credential or {}
        failing = self.failing
        return {
            "verified": self.verified,
            "proof_format": self.proof_format,
            "issuer_id": self.issuer_id,
            "issuer_name": _text(_issuer_name(credential)),
            "credential_id": _text(credential.get("id")),
            "achievement_id": _text(achievement.get("id")),
            "achievement_name": _text(achievement.get("name")),
            "failing_check": failing.name if failing else "",
            "checks": [check.as_dict() for check in self.checks],
        }


@dataclass(frozen=True)
class ExpectedAchievement:
    """The funded credential a badge must correspond to: achievement ids and/or a Credential Engine CTID."""

    ids: frozenset[str] = frozenset()
    ctid: str = ""


def _text(value: Any, limit: int = 500) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _issuer_name(credential: Mapping[str, Any]) -> Any:
    issuer = credential.get("issuer")
    return issuer.get("name") if isinstance(issuer, Mapping) else ""


def _short(value: Any, limit: int = 120) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- encodings -----------------------------------------------------------------------------------------


def b58encode(data: bytes) -> str:
    zeros = len(data) - len(data.lstrip(b"\x00"))
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, remainder = divmod(number, 58)
        out.append(_B58_ALPHABET[remainder])
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    if len(text) > 512:
        raise BadgeError("base58 value too long")
    number = 0
    for char in text:
        if char not in _B58_INDEX:
            raise BadgeError("not base58")
        number = number * 58 + _B58_INDEX[char]
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\x00" * zeros + body


def _b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    if not isinstance(text, str) or not _B64URL_RE.match(text) or len(text) % 4 == 1:
        raise BadgeError("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise BadgeError("not base64url") from error


def _reject_constant(name: str) -> Any:
    raise BadgeError(f"{name} is not JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise BadgeError(f'the key "{_short(key, 40)}" appears twice')
        result[key] = value
    return result


def _check_depth(text: str) -> None:
    """Refuse JSON nested deeper than MAX_DEPTH, in one linear pass that skips brackets inside strings."""
    depth, in_string, escaped_at = 0, False, -1
    for match in _JSON_SYNTAX_RE.finditer(text):
        position, char = match.start(), match.group()
        if position == escaped_at:
            continue
        if in_string:
            if char == "\\":
                escaped_at = position + 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise BadgeError(f"it is nested more than {MAX_DEPTH} levels deep")
        elif char in "]}":
            depth -= 1


def _loads(text: str) -> Any:
    """Strict JSON: bounded nesting (checked before parsing), no duplicate keys, no NaN/Infinity, and no
    control characters in its text once decoded (an escaped NUL could not be stored with the checks)."""
    _check_depth(text)
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_reject_constant)
    except BadgeError:
        raise
    except (ValueError, RecursionError) as error:
        raise BadgeError("it is not valid JSON") from error
    if holds_control_character(data):
        raise BadgeError("its text holds a control character (such as NUL)")
    return data


# --- keys ----------------------------------------------------------------------------------------------

PublicKey = Ed25519PublicKey | ec.EllipticCurvePublicKey


def _public_key_from_jwk(jwk: Mapping[str, Any]) -> PublicKey:
    kty, crv = jwk.get("kty"), jwk.get("crv")
    if kty == "OKP" and crv == "Ed25519":
        raw = _b64url_decode(jwk.get("x", ""))
        if len(raw) != 32:
            raise BadgeError("the Ed25519 key is not 32 bytes")
        return Ed25519PublicKey.from_public_bytes(raw)
    if kty == "EC" and crv == "P-256":
        x, y = _b64url_decode(jwk.get("x", "")), _b64url_decode(jwk.get("y", ""))
        if len(x) != 32 or len(y) != 32:
            raise BadgeError("the P-256 key coordinates are not 32 bytes")
        try:
            numbers = ec.EllipticCurvePublicNumbers(
                int.from_bytes(x, "big"), int.from_bytes(y, "big"), ec.SECP256R1()
            )
            return numbers.public_key()
        except ValueError as error:
            raise BadgeError("the P-256 key is not a point on the curve") from error
    raise BadgeError(f"keys of type {_short(kty, 20)}/{_short(crv, 20)} are not supported")


def _public_jwk_of(key: PublicKey) -> dict[str, str]:
    if isinstance(key, Ed25519PublicKey):
        return {"kty": "OKP", "crv": "Ed25519", "x": _b64url_encode(key.public_bytes_raw())}
    numbers = key.public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": _b64url_encode(numbers.x.to_bytes(32, "big")),
        "y": _b64url_encode(numbers.y.to_bytes(32, "big")),
    }


def _private_key_from_jwk(jwk: Mapping[str, Any]) -> Ed25519PrivateKey | ec.EllipticCurvePrivateKey:
    kty, crv = jwk.get("kty"), jwk.get("crv")
    secret = _b64url_decode(jwk.get("d", ""))
    if kty == "OKP" and crv == "Ed25519":
        return Ed25519PrivateKey.from_private_bytes(secret)
    if kty == "EC" and crv == "P-256":
        return ec.derive_private_key(int.from_bytes(secret, "big"), ec.SECP256R1())
    raise ValueError("Only Ed25519 (OKP) and P-256 (EC) private JWKs can sign.")


def generate_ed25519_jwk() -> tuple[dict[str, str], dict[str, str]]:
    """A new Ed25519 key pair as (private JWK, public JWK)."""
    private = Ed25519PrivateKey.generate()
    public = _public_jwk_of(private.public_key())
    return {**public, "d": _b64url_encode(private.private_bytes_raw())}, public


def generate_p256_jwk() -> tuple[dict[str, str], dict[str, str]]:
    """A new P-256 key pair as (private JWK, public JWK), for ES256."""
    private = ec.generate_private_key(ec.SECP256R1())
    public = _public_jwk_of(private.public_key())
    return {
        **public,
        "d": _b64url_encode(private.private_numbers().private_value.to_bytes(32, "big")),
    }, public


def did_key_for(public_jwk: Mapping[str, Any]) -> str:
    """``did:key:z…`` for an Ed25519 (z6Mk…) or P-256 (zDn…) public JWK."""
    key = _public_key_from_jwk(public_jwk)
    if isinstance(key, Ed25519PublicKey):
        return "did:key:z" + b58encode(_ED25519_CODEC + key.public_bytes_raw())
    return "did:key:z" + b58encode(
        _P256_CODEC + key.public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
    )


def did_jwk_for(public_jwk: Mapping[str, Any]) -> str:
    """``did:jwk:…``: the public JWK (public members only), base64url-encoded."""
    public = _public_jwk_of(_public_key_from_jwk(public_jwk))
    return "did:jwk:" + _b64url_encode(json.dumps(public, separators=(",", ":")).encode("utf-8"))


def _key_from_did(did: str) -> PublicKey:
    """The public key a did:key or did:jwk carries in itself (no resolution, no network)."""
    if did.startswith("did:key:"):
        value = did[len("did:key:") :]
        if not value.startswith("z"):
            raise BadgeError("the did:key is not base58btc multibase")
        raw = b58decode(value[1:])
        if raw.startswith(_ED25519_CODEC) and len(raw) == 34:
            return Ed25519PublicKey.from_public_bytes(raw[2:])
        if raw.startswith(_P256_CODEC) and len(raw) == 35:
            try:
                return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw[2:])
            except ValueError as error:
                raise BadgeError("the did:key P-256 key is not a point on the curve") from error
        raise BadgeError("the did:key is not an Ed25519 or P-256 key")
    if did.startswith("did:jwk:"):
        encoded = did[len("did:jwk:") :]
        if len(encoded) > 2048:
            raise BadgeError("the did:jwk is too long")
        try:
            jwk = _loads(_b64url_decode(encoded).decode("utf-8"))
        except UnicodeDecodeError as error:
            raise BadgeError("the did:jwk is not a JWK") from error
        if not isinstance(jwk, dict) or "d" in jwk:
            raise BadgeError("the did:jwk is not a public JWK")
        return _public_key_from_jwk(jwk)
    raise BadgeError("not a did:key or did:jwk")


def _is_self_describing_did(value: str) -> bool:
    return value.startswith(("did:key:", "did:jwk:"))


# --- signing (demo data and tests) ---------------------------------------------------------------------


def _utc_text(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("Use a timezone-aware datetime.")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _jws_sign(private_jwk: Mapping[str, Any], signing_input: bytes) -> tuple[str, bytes]:
    private = _private_key_from_jwk(private_jwk)
    if isinstance(private, Ed25519PrivateKey):
        return "EdDSA", private.sign(signing_input)
    r, s = decode_dss_signature(private.sign(signing_input, ec.ECDSA(hashes.SHA256())))
    return "ES256", r.to_bytes(32, "big") + s.to_bytes(32, "big")


def sign_jws(
    payload: Mapping[str, Any], *, private_jwk: Mapping[str, Any], kid: str, typ: str = "vc+jwt"
) -> str:
    """A compact JWS over a JSON payload: EdDSA for an Ed25519 key, ES256 for a P-256 key."""
    alg = "EdDSA" if private_jwk.get("kty") == "OKP" else "ES256"
    header = {"alg": alg, "kid": kid, "typ": typ}
    signing_input = (
        _b64url_encode(json.dumps(header, separators=(",", ":")).encode())
        + "."
        + _b64url_encode(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    ).encode("ascii")
    _alg, signature = _jws_sign(private_jwk, signing_input)
    return signing_input.decode("ascii") + "." + _b64url_encode(signature)


def sign_badge_jwt(credential: Mapping[str, Any], *, private_jwk: Mapping[str, Any], kid: str) -> str:
    """The credential as a VC-JOSE-COSE compact JWT (``typ`` vc+jwt, the payload is the credential)."""
    return sign_jws(credential, private_jwk=private_jwk, kid=kid, typ="vc+jwt")


def _eddsa_jcs_hash_data(unsecured: Mapping[str, Any], proof_options: Mapping[str, Any]) -> bytes:
    """hashData of the eddsa-jcs-2022 cryptosuite: SHA-256(JCS(proof config)) || SHA-256(JCS(document))."""
    proof_config = {key: value for key, value in proof_options.items() if key != "proofValue"}
    proof_config["@context"] = unsecured.get("@context")
    return (
        hashlib.sha256(rfc8785.dumps(proof_config)).digest()
        + hashlib.sha256(rfc8785.dumps(unsecured)).digest()
    )


def sign_badge_data_integrity(
    credential: Mapping[str, Any],
    *,
    private_jwk: Mapping[str, Any],
    verification_method: str,
    created: datetime,
) -> dict[str, Any]:
    """The credential with an embedded DataIntegrityProof, cryptosuite eddsa-jcs-2022 (Ed25519 only)."""
    private = _private_key_from_jwk(private_jwk)
    if not isinstance(private, Ed25519PrivateKey):
        raise ValueError("eddsa-jcs-2022 signs with an Ed25519 key.")
    unsecured = {key: value for key, value in credential.items() if key != "proof"}
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": _utc_text(created),
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    signature = private.sign(_eddsa_jcs_hash_data(unsecured, proof))
    return {**unsecured, "proof": {**proof, "proofValue": "z" + b58encode(signature)}}


def email_identity_hash(email: str, salt: str) -> str:
    """An Open Badges identity hash: ``sha256$`` + hex SHA-256 of the lower-cased email, then the salt."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()


def build_badge(
    *,
    issuer_id: str,
    issuer_name: str,
    recipient_id: str | None = None,
    recipient_email: str | None = None,
    salt: str | None = None,
    achievement_id: str,
    achievement_name: str,
    ctid: str = "",
    valid_from: datetime,
    valid_until: datetime | None = None,
    credential_id: str,
) -> dict[str, Any]:
    """An unsigned Open Badges 3.0 credential (VC data model 2.0) for a recipient id and/or email."""
    if not recipient_id and not recipient_email:
        raise ValueError("A badge needs a recipient id or email address.")
    subject: dict[str, Any] = {"type": ["AchievementSubject"]}
    if recipient_id:
        subject["id"] = recipient_id
    if recipient_email:
        salt = secrets.token_hex(8) if salt is None else salt
        subject["identifier"] = [
            {
                "type": "IdentityObject",
                "identityHash": email_identity_hash(recipient_email, salt),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": salt,
            }
        ]
    achievement: dict[str, Any] = {
        "id": achievement_id,
        "type": ["Achievement"],
        "name": achievement_name,
        "description": f"Awarded on completing {achievement_name}.",
        "criteria": {"narrative": f"Completed the training and assessment for {achievement_name}."},
    }
    if ctid:
        achievement["alignment"] = [
            {
                "type": ["Alignment"],
                "targetName": achievement_name,
                "targetUrl": f"https://credentialengineregistry.org/resources/{ctid}",
                "targetCode": ctid,
                "targetFramework": "Credential Engine Registry",
            }
        ]
    subject["achievement"] = achievement
    credential: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT, OB3_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": achievement_name,
        "issuer": {"id": issuer_id, "type": ["Profile"], "name": issuer_name},
        "validFrom": _utc_text(valid_from),
        "credentialSubject": subject,
    }
    if valid_until is not None:
        credential["validUntil"] = _utc_text(valid_until)
    return credential


# --- parsing -------------------------------------------------------------------------------------------


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


def _numeric_date(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 253402300800:
        return None
    return datetime.fromtimestamp(value, tz=UTC)


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


# --- checks --------------------------------------------------------------------------------------------


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


def _verify_jwt_signature(parsed: _Parsed, key: PublicKey) -> Check:
    header = parsed.jwt_header or {}
    alg = header.get("alg")
    if not isinstance(alg, str) or alg.lower() == "none":
        return Check("signature", False, 'The JWT is unsigned (algorithm "none"), which is never accepted.')
    if "crit" in header:
        return Check("signature", False, "The JWT has critical header parameters, which are not supported.")
    if alg in ("EdDSA", "Ed25519"):
        if not isinstance(key, Ed25519PublicKey):
            return Check("signature", False, f"The JWT algorithm {alg} does not match the issuer's key type.")
        try:
            key.verify(parsed.jwt_signature, parsed.jwt_signing_input)
        except InvalidSignature:
            return Check(
                "signature",
                False,
                "The JWT signature does not match: the badge was altered or signed by another key.",
            )
        return Check("signature", True, f"JWT signature valid ({alg}, Ed25519).")
    if alg == "ES256":
        if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
            return Check("signature", False, "The JWT algorithm ES256 does not match the issuer's key type.")
        signature = parsed.jwt_signature
        if len(signature) != 64:
            return Check(
                "signature",
                False,
                "The JWT signature does not match: the badge was altered or signed by another key.",
            )
        der = encode_dss_signature(
            int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        )
        try:
            key.verify(der, parsed.jwt_signing_input, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            return Check(
                "signature",
                False,
                "The JWT signature does not match: the badge was altered or signed by another key.",
            )
        return Check("signature", True, "JWT signature valid (ES256, P-256).")
    return Check(
        "signature", False, f'The JWT algorithm "{_short(alg, 40)}" is not supported (EdDSA or ES256 only).'
    )


def _select_proof(credential: Mapping[str, Any]) -> dict[str, Any] | None:
    """The proof to check: the embedded proof, or in a proof set the first eddsa-jcs-2022 one."""
    proofs = [proof for proof in _as_list(credential.get("proof")) if isinstance(proof, dict)]
    for proof in proofs:
        if proof.get("cryptosuite") == "eddsa-jcs-2022":
            return proof
    return proofs[0] if proofs else None


def _verify_data_integrity(
    credential: Mapping[str, Any], proof: Mapping[str, Any], key: PublicKey, now: datetime
) -> Check:
    if proof.get("type") != "DataIntegrityProof":
        return Check(
            "signature",
            False,
            f'The proof type "{_short(proof.get("type"), 60)}" is not supported (DataIntegrityProof only).',
        )
    cryptosuite = proof.get("cryptosuite")
    if cryptosuite != "eddsa-jcs-2022":
        return Check(
            "signature",
            False,
            f'The cryptosuite "{_short(cryptosuite, 60)}" is not supported '
            "(eddsa-jcs-2022 only, which needs no remote contexts).",
        )
    if proof.get("proofPurpose") != "assertionMethod":
        return Check("signature", False, "The proof's purpose is not assertionMethod.")
    if not isinstance(key, Ed25519PublicKey):
        return Check(
            "signature", False, "The issuer's key is not an Ed25519 key, which eddsa-jcs-2022 requires."
        )
    for field in ("created", "expires"):
        if field in proof and _parse_date(proof[field]) is None:
            return Check("signature", False, f"The proof's {field} date is not a valid date-time.")
    expires = _parse_date(proof.get("expires")) if "expires" in proof else None
    if expires is not None and now > expires:
        return Check("signature", False, f"The proof expired on {_show(expires)}.")
    value = proof.get("proofValue")
    try:
        if not isinstance(value, str) or not value.startswith("z"):
            raise BadgeError("not base58btc multibase")
        signature = b58decode(value[1:])
    except BadgeError:
        return Check("signature", False, "The proof value is not a base58btc multibase signature.")
    unsecured = {name: item for name, item in credential.items() if name != "proof"}
    options = {name: item for name, item in proof.items() if name != "proofValue"}
    if "@context" in options:
        proof_contexts, contexts = _as_list(options["@context"]), _as_list(credential.get("@context"))
        if contexts[: len(proof_contexts)] != proof_contexts:
            return Check("signature", False, "The proof's @context does not match the credential's.")
        unsecured["@context"] = options["@context"]
    try:
        hash_data = _eddsa_jcs_hash_data(unsecured, options)
    except (rfc8785.CanonicalizationError, TypeError, ValueError):
        return Check("signature", False, "The credential cannot be canonicalised (JCS) to check its proof.")
    try:
        key.verify(signature, hash_data)
    except InvalidSignature:
        return Check(
            "signature", False, "The proof does not match: the badge was altered or signed by another key."
        )
    return Check("signature", True, "Data Integrity proof valid (eddsa-jcs-2022, Ed25519).")


def _parse_date(value: Any) -> datetime | None:
    if not isinstance(value, str) or not 10 <= len(value) <= 40:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _show(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


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


# --- verification --------------------------------------------------------------------------------------


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
