"""Building and signing badges, for demo data and tests: an unsigned Open Badges 3.0 credential
(``build_badge``), as a compact JWT (``sign_badge_jwt``, ``sign_jws``) or with an embedded eddsa-jcs-2022
proof (``sign_badge_data_integrity``)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from core.openbadges.common import _utc_text
from core.openbadges.encodings import _b64url_encode, b58encode
from core.openbadges.keys import _private_key_from_jwk
from core.openbadges.matching import email_identity_hash
from core.openbadges.parsing import OB3_CONTEXT, VC_V2_CONTEXT
from core.openbadges.proofs import _eddsa_jcs_hash_data


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
