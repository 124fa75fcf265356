"""Keys: public keys from JWKs, new key pairs (demo data and tests), and the key a did:key or did:jwk
carries in itself (no DID is resolved, nothing is fetched)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from core.openbadges.common import BadgeError, _short
from core.openbadges.encodings import _b64url_decode, _b64url_encode, _loads, b58decode, b58encode

_ED25519_CODEC = b"\xed\x01"  # multicodec ed25519-pub, as an unsigned varint
_P256_CODEC = b"\x80\x24"  # multicodec p256-pub (0x1200), as an unsigned varint
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
