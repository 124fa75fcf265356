"""The "signature" check: a compact JWT's signature (EdDSA with Ed25519, ES256 with P-256; never "none",
no critical headers) or an embedded Data Integrity proof (cryptosuite eddsa-jcs-2022 only, which needs no
remote contexts), and the eddsa-jcs-2022 hashData that signing uses too."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from core.openbadges.common import BadgeError, Check, _parse_date, _short, _show
from core.openbadges.encodings import b58decode
from core.openbadges.keys import PublicKey
from core.openbadges.parsing import _as_list, _Parsed


def _eddsa_jcs_hash_data(unsecured: Mapping[str, Any], proof_options: Mapping[str, Any]) -> bytes:
    """hashData of the eddsa-jcs-2022 cryptosuite: SHA-256(JCS(proof config)) || SHA-256(JCS(document))."""
    proof_config = {key: value for key, value in proof_options.items() if key != "proofValue"}
    proof_config["@context"] = unsecured.get("@context")
    return (
        hashlib.sha256(rfc8785.dumps(proof_config)).digest()
        + hashlib.sha256(rfc8785.dumps(unsecured)).digest()
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
