"""Open Badges 3.0 verification and issuing, with no network and no domain.

A badge arrives as JSON with an embedded Data Integrity proof (cryptosuite ``eddsa-jcs-2022``) or as a
compact JWT (VC-JOSE-COSE, where the payload is the credential, or VC-JWT 1.1 with a ``vc`` claim).
``verify_badge`` runs every check it can and returns a ``Verdict`` naming each result, so staff see all
of them; it never raises on bad input. Keys come only from the issuer's own ``did:key`` / ``did:jwk``
or from the public JWKs staff registered for the provider: nothing is fetched (no contexts, no DID
documents). See docs/adr/0007-open-badges-verification.md.

The issuing helpers (``build_badge``, ``sign_badge_jwt``, ``sign_badge_data_integrity``) exist for demo
data and tests.

Where each part lives (everything public is importable from ``core.openbadges``):

- ``verification``: the entry point, ``verify_badge``, which runs the checks in ``CHECK_NAMES`` order.
- ``common``: the results (``Verdict``, ``Check``, ``ExpectedAchievement``), ``BadgeError``, and the date
  and text helpers the other modules share.
- ``encodings``: base58btc and base64url, and the strict JSON reader (depth, duplicate keys, NaN, NUL).
- ``parsing``: reading a badge (size limit, JSON, compact JWT, enveloped credential, VC-JWT 1.1 claims),
  the parts of a credential, and the "format" and "structure" checks.
- ``keys``: JWKs, new key pairs, and the keys a did:key / did:jwk carries.
- ``matching``: the badge against what we expect: the "issuer" check (registered issuer, which key),
  "validity" (dates, with ``CLOCK_SKEW``), "recipient" (the applicant's DID or email hash) and
  "achievement" (the funded credential's id or CTID).
- ``proofs``: the "signature" check: JWT (EdDSA, ES256) and Data Integrity (eddsa-jcs-2022).
- ``issuing``: building and signing badges, for demo data and tests.
"""

from core.openbadges.common import (
    CHECK_NAMES,
    BadgeError,
    Check,
    ExpectedAchievement,
    Verdict,
)
from core.openbadges.encodings import MAX_DEPTH, b58decode, b58encode
from core.openbadges.encodings import _b64url_decode as _b64url_decode  # used by the demo data
from core.openbadges.encodings import _b64url_encode as _b64url_encode  # used by the demo data
from core.openbadges.issuing import _jws_sign as _jws_sign  # used by tests
from core.openbadges.issuing import build_badge, sign_badge_data_integrity, sign_badge_jwt, sign_jws
from core.openbadges.keys import (
    PublicKey,
    did_jwk_for,
    did_key_for,
    generate_ed25519_jwk,
    generate_p256_jwk,
)
from core.openbadges.keys import _key_from_did as _key_from_did  # used by tests
from core.openbadges.keys import _public_jwk_of as _public_jwk_of  # used by tests
from core.openbadges.matching import CLOCK_SKEW, email_identity_hash
from core.openbadges.parsing import (
    CREDENTIAL_TYPES,
    JWT_TYPES,
    MAX_BYTES,
    OB3_CONTEXT,
    VC_V1_CONTEXT,
    VC_V2_CONTEXT,
)
from core.openbadges.verification import verify_badge

__all__ = [
    "CHECK_NAMES",
    "CLOCK_SKEW",
    "CREDENTIAL_TYPES",
    "JWT_TYPES",
    "MAX_BYTES",
    "MAX_DEPTH",
    "OB3_CONTEXT",
    "VC_V1_CONTEXT",
    "VC_V2_CONTEXT",
    "BadgeError",
    "Check",
    "ExpectedAchievement",
    "PublicKey",
    "Verdict",
    "b58decode",
    "b58encode",
    "build_badge",
    "did_jwk_for",
    "did_key_for",
    "email_identity_hash",
    "generate_ed25519_jwk",
    "generate_p256_jwk",
    "sign_badge_data_integrity",
    "sign_badge_jwt",
    "sign_jws",
    "verify_badge",
]
