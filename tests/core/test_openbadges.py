"""Open Badges 3.0 verification: every badge gets a verdict with each check named, never an exception."""

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.openbadges import (
    CHECK_NAMES,
    MAX_BYTES,
    Check,
    ExpectedAchievement,
    Verdict,
    b58encode,
    build_badge,
    did_jwk_for,
    did_key_for,
    email_identity_hash,
    generate_ed25519_jwk,
    generate_p256_jwk,
    sign_badge_data_integrity,
    sign_badge_jwt,
    sign_jws,
    verify_badge,
)

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
ISSUED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
APPLICANT_DID = "did:example:applicant-7"
APPLICANT_EMAIL = "Dana.Worker@Example.org"
ACHIEVEMENT_ID = "https://provider.example/achievements/welding-1"
CTID = "ce-3c4d5e6f-0000-4a4a-8b8b-123456789abc"
EXPECTED = ExpectedAchievement(ids=frozenset({ACHIEVEMENT_ID}), ctid=CTID)
URL_ISSUER = "https://provider.example/issuers/1"

PROVIDER_PRIVATE, PROVIDER_PUBLIC = generate_ed25519_jwk()
OTHER_PRIVATE, OTHER_PUBLIC = generate_ed25519_jwk()
P256_PRIVATE, P256_PUBLIC = generate_p256_jwk()
DID_KEY = did_key_for(PROVIDER_PUBLIC)
DID_KEY_VM = f"{DID_KEY}#{DID_KEY.removeprefix('did:key:')}"
DID_JWK = did_jwk_for(PROVIDER_PUBLIC)


def badge(issuer_id: str = DID_KEY, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "issuer_id": issuer_id,
        "issuer_name": "Example Training Provider",
        "recipient_id": APPLICANT_DID,
        "achievement_id": ACHIEVEMENT_ID,
        "achievement_name": "Welding Level 1",
        "ctid": CTID,
        "valid_from": ISSUED,
        "valid_until": ISSUED + timedelta(days=365 * 3),
        "credential_id": "urn:uuid:1f0c9d1e-5b1a-4f7e-9a43-8a2f1f7d2c10",
    }
    fields.update(overrides)
    return build_badge(**fields)


def signed_json(
    credential: dict[str, Any], private: dict[str, str] = PROVIDER_PRIVATE, vm: str = DID_KEY_VM
) -> str:
    return json.dumps(
        sign_badge_data_integrity(credential, private_jwk=private, verification_method=vm, created=ISSUED)
    )


def verify(
    raw: str | bytes,
    trusted: dict[str, list[dict[str, str]]] | None = None,
    *,
    recipient_ids: tuple[str, ...] = (APPLICANT_DID,),
    recipient_email: str | None = None,
    expected: ExpectedAchievement = EXPECTED,
    now: datetime = NOW,
) -> Verdict:
    return verify_badge(
        raw,
        trusted_issuers={DID_KEY: [], DID_JWK: []} if trusted is None else trusted,
        recipient_ids=recipient_ids,
        recipient_email=recipient_email,
        expected=expected,
        now=now,
    )


def assert_fails_only(verdict: Verdict, name: str, detail_part: str) -> None:
    assert verdict.verified is False
    assert verdict.failing is not None
    assert verdict.failing.name == name
    assert detail_part in verdict.failing.detail
    assert [check.name for check in verdict.checks] == list(CHECK_NAMES)  # every check still ran
    assert [check.name for check in verdict.checks if not check.passed] == [name]


def checked(verdict: Verdict, name: str) -> Check:
    check = verdict.check(name)
    assert check is not None
    return check


def assert_verified(verdict: Verdict) -> None:
    assert [(check.name, check.passed) for check in verdict.checks] == [
        (name, True) for name in CHECK_NAMES
    ], verdict.checks
    assert verdict.verified is True
    assert verdict.failing is None


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt_parts(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    header, payload, signature = token.split(".")
    return (
        json.loads(base64.urlsafe_b64decode(header + "==")),
        json.loads(base64.urlsafe_b64decode(payload + "==")),
        signature,
    )


# --- valid badges --------------------------------------------------------------------------------------


def test_a_data_integrity_badge_from_a_did_key_issuer_is_verified() -> None:
    verdict = verify(signed_json(badge()))
    assert_verified(verdict)
    assert verdict.proof_format == "data_integrity"
    assert verdict.issuer_id == DID_KEY
    assert verdict.achievement is not None
    assert verdict.achievement["id"] == ACHIEVEMENT_ID
    assert verdict.as_dict()["checks"][3] == {
        "name": "signature",
        "passed": True,
        "detail": "Data Integrity proof valid (eddsa-jcs-2022, Ed25519).",
    }


def test_a_jwt_badge_from_a_did_key_issuer_is_verified() -> None:
    token = sign_badge_jwt(badge(), private_jwk=PROVIDER_PRIVATE, kid=DID_KEY_VM)
    verdict = verify(token)
    assert_verified(verdict)
    assert verdict.proof_format == "jwt"
    assert jwt_parts(token)[0] == {"alg": "EdDSA", "kid": DID_KEY_VM, "typ": "vc+jwt"}
    assert verdict.credential == badge()


@pytest.mark.parametrize("form", ["jwt", "data_integrity"])
def test_a_did_jwk_issuer_is_verified_in_both_proof_forms(form: str) -> None:
    credential = badge(DID_JWK)
    if form == "jwt":
        raw = sign_badge_jwt(credential, private_jwk=PROVIDER_PRIVATE, kid=f"{DID_JWK}#0")
    else:
        raw = signed_json(credential, vm=f"{DID_JWK}#0")
    verdict = verify(raw)
    assert_verified(verdict)
    assert verdict.proof_format == form


@pytest.mark.parametrize("form", ["jwt", "data_integrity"])
def test_an_issuer_with_a_registered_jwk_is_verified_in_both_proof_forms(form: str) -> None:
    credential = badge(URL_ISSUER)
    vm = f"{URL_ISSUER}#key-1"
    if form == "jwt":
        raw = sign_badge_jwt(credential, private_jwk=PROVIDER_PRIVATE, kid=vm)
    else:
        raw = signed_json(credential, vm=vm)
    registered = {URL_ISSUER: [{**OTHER_PUBLIC, "kid": "key-0"}, {**PROVIDER_PUBLIC, "kid": "key-1"}]}
    assert_verified(verify(raw, registered))


def test_a_single_registered_key_without_a_kid_is_the_issuers_key() -> None:
    raw = sign_badge_jwt(
        badge(URL_ISSUER), private_jwk=PROVIDER_PRIVATE, kid="whatever-the-provider-calls-it"
    )
    assert_verified(verify(raw, {URL_ISSUER: [PROVIDER_PUBLIC]}))


@pytest.mark.parametrize("issuer", ["registered", "did:key", "did:jwk"])
def test_an_es256_jwt_is_verified(issuer: str) -> None:
    if issuer == "registered":
        issuer_id, kid, trusted = URL_ISSUER, "p256-1", {URL_ISSUER: [{**P256_PUBLIC, "kid": "p256-1"}]}
    else:
        issuer_id = did_key_for(P256_PUBLIC) if issuer == "did:key" else did_jwk_for(P256_PUBLIC)
        kid, trusted = f"{issuer_id}#0", {issuer_id: []}
    token = sign_badge_jwt(badge(issuer_id), private_jwk=P256_PRIVATE, kid=kid)
    assert jwt_parts(token)[0]["alg"] == "ES256"
    assert_verified(verify(token, trusted))


def test_a_vc_jwt_1_1_badge_with_registered_claims_is_verified() -> None:
    vc = badge()
    vc["@context"] = [
        "https://www.w3.org/2018/credentials/v1",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    ]
    vc["type"] = ["VerifiableCredential", "AchievementCredential"]
    for field in ("issuer", "validFrom", "validUntil", "id"):
        del vc[field]
    del vc["credentialSubject"]["id"]
    claims = {
        "iss": DID_KEY,
        "sub": APPLICANT_DID,
        "jti": "urn:uuid:9",
        "nbf": int(ISSUED.timestamp()),
        "exp": int((NOW + timedelta(days=1)).timestamp()),
        "vc": vc,
    }
    token = sign_jws(claims, private_jwk=PROVIDER_PRIVATE, kid=DID_KEY_VM, typ="JWT")
    verdict = verify(token)
    assert_verified(verdict)
    assert verdict.credential is not None
    assert verdict.credential["issuer"] == DID_KEY
    assert verdict.credential["issuanceDate"] == "2026-03-01T09:00:00Z"
    # The exp claim is checked too.
    expired = verify(token, now=NOW + timedelta(days=2))
    assert_fails_only(expired, "validity", "Expired: the badge was valid until 2026-06-02 12:00 UTC.")


def test_a_jwt_can_arrive_as_bytes_as_a_json_string_or_in_an_envelope() -> None:
    token = sign_badge_jwt(badge(), private_jwk=PROVIDER_PRIVATE, kid=DID_KEY_VM)
    envelope = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "EnvelopedVerifiableCredential",
        "id": "data:application/vc+jwt," + token,
    }
    for raw in (token.encode(), f"  {token}\n", json.dumps(token), json.dumps(envelope)):
        assert_verified(verify(raw))


def test_the_published_eddsa_jcs_2022_test_vector_verifies() -> None:
    """Interoperability: a Digital Bazaar vector for the W3C cryptosuite (not an Open Badge, so only the
    signature, issuer, validity and recipient checks pass)."""
    vector = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "name": "Alumni Credential",
        "description": "A minimum viable example of an Alumni Credential.",
        "issuer": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "validFrom": "2023-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
        "proof": {
            "type": "DataIntegrityProof",
            "created": "2023-02-24T23:36:38Z",
            "verificationMethod": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
            "#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
            "cryptosuite": "eddsa-jcs-2022",
            "proofPurpose": "assertionMethod",
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://www.w3.org/ns/credentials/examples/v2",
            ],
            "proofValue": "z5EhYRJkfPLkoT92FPXN8KK6M9rsBhq3xs19GBSsA6VdNYH4"
            "QMKSyNuA2Gfznz9QthVD7Rz3HTAfqxxay23htUpTg",
        },
    }
    trusted: dict[str, list[dict[str, str]]] = {str(vector["issuer"]): []}
    verdict = verify(json.dumps(vector), trusted, recipient_ids=("did:example:abcdefgh",))
    passed = {check.name: check.passed for check in verdict.checks}
    assert passed == {
        "format": True,
        "structure": False,
        "issuer": True,
        "signature": True,
        "validity": True,
        "recipient": True,
        "achievement": False,
    }
    vector["name"] = "Alumni Credential!"
    tampered = verify(json.dumps(vector), trusted, recipient_ids=("did:example:abcdefgh",))
    assert tampered.check("signature") == Check(
        "signature", False, "The proof does not match: the badge was altered or signed by another key."
    )


def test_the_rfc_8037_ed25519_jws_example_signs_identically() -> None:
    """Interoperability of the JWS signing input and EdDSA with RFC 8037, appendix A.4."""
    from core.openbadges import _jws_sign

    private = {
        "kty": "OKP",
        "crv": "Ed25519",
        "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
        "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
    }
    alg, signature = _jws_sign(private, b"eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc")
    assert alg == "EdDSA"
    assert b64(signature) == (
        "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
    )


# --- tampering and keys --------------------------------------------------------------------------------


def test_a_tampered_data_integrity_payload_fails_the_signature() -> None:
    document = json.loads(signed_json(badge()))
    document["credentialSubject"]["achievement"]["name"] = "Welding Level 3"
    assert_fails_only(verify(json.dumps(document)), "signature", "The proof does not match")


def test_a_tampered_jwt_payload_fails_the_signature() -> None:
    token = sign_badge_jwt(badge(), private_jwk=PROVIDER_PRIVATE, kid=DID_KEY_VM)
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["validUntil"] = "2099-01-01T00:00:00Z"
    forged = f"{header}.{b64(json.dumps(claims).encode())}.{signature}"
    assert_fails_only(verify(forged), "signature", "The JWT signature does not match")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("created", "2026-03-01T09:00:01Z"),
        ("proofValue", "flip"),
        ("verificationMethod", DID_KEY),  # the same key, named differently: still a different proof
    ],
    ids=["created", "proofValue", "verificationMethod"],  # DID_KEY is made afresh in each process
)
def test_a_tampered_data_integrity_proof_fails_the_signature(field: str, value: str) -> None:
    document = json.loads(signed_json(badge()))
    if value == "flip":
        proof_value = document["proof"]["proofValue"]
        value = proof_value[:-3] + ("2" if proof_value[-3] != "2" else "3") + proof_value[-2:]
    document["proof"][field] = value
    verdict = verify(json.dumps(document))
    assert_fails_only(verdict, "signature", "The proof does not match")


def test_a_tampered_jwt_signature_or_header_fails_the_signature() -> None:
    token = sign_badge_jwt(badge(), private_jwk=PROVIDER_PRIVATE, kid=DID_KEY_VM)
    header, payload, signature = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=="))
    raw[10] ^= 0x01
    assert_fails_only(verify(f"{header}.{payload}.{b64(bytes(raw))}"), "signature", "does not match")
    new_header = b64(json.dumps({"alg": "EdDSA", "kid": DID_KEY_VM, "typ": "vc+jwt", "x": 1}).encode())
    assert_fails_only(verify(f"{new_header}.{payload}.{signature}"), "signature", "does not match")


def test_another_key_claiming_a_did_key_issuer_fails_the_signature() -> None:
    raw = signed_json(badge(), private=OTHER_PRIVATE, vm=DID_KEY_VM)
    assert_fails_only(verify(raw), "signature", "signed by another key")
    token = sign_badge_jwt(badge(), private_jwk=OTHER_PRIVATE, kid=DID_KEY_VM)
    assert_fails_only(verify(token), "signature", "signed by another key")


def test_another_key_claiming_a_registered_issuer_fails_the_signature() -> None:
    token = sign_badge_jwt(badge(URL_ISSUER), private_jwk=OTHER_PRIVATE, kid="key-1")
    verdict = verify(token, {URL_ISSUER: [{**PROVIDER_PUBLIC, "kid": "key-1"}]})
    assert_fails_only(verdict, "signature", "signed by another key")


def test_a_key_of_another_did_fails_the_issuer_check() -> None:
    other_did = did_key_for(OTHER_PUBLIC)
    raw = signed_json(badge(), private=OTHER_PRIVATE, vm=f"{other_did}#{other_did.removeprefix('did:key:')}")
    verdict = verify(raw)
    assert verdict.failing is not None
    assert verdict.failing.name == "issuer"
    assert verdict.failing.detail == (
        f'The signing key "{other_did}#{other_did[8:]}" does not belong to the issuer "{DID_KEY}".'
    )
    assert checked(verdict, "signature").passed is False


def test_an_unknown_kid_for_a_registered_issuer_fails_the_issuer_check() -> None:
    token = sign_badge_jwt(badge(URL_ISSUER), private_jwk=PROVIDER_PRIVATE, kid="key-9")
    verdict = verify(token, {URL_ISSUER: [{**PROVIDER_PUBLIC, "kid": "key-1"}]})
    assert verdict.failing is not None
    assert verdict.failing.name == "issuer"
    assert verdict.failing.detail == f'The signing key "key-9" does not belong to the issuer "{URL_ISSUER}".'


def test_an_unregistered_issuer_is_named_in_the_failing_check() -> None:
    verdict = verify(signed_json(badge()), {URL_ISSUER: [PROVIDER_PUBLIC]})
    assert_fails_only(verdict, "issuer", f'The issuer "{DID_KEY}" is not registered for this provider.')
    # A registered-key issuer that is not registered: no key to check the signature with.
    token = sign_badge_jwt(badge("https://elsewhere.example/issuer"), private_jwk=PROVIDER_PRIVATE, kid="k")
    verdict = verify(token, {URL_ISSUER: [PROVIDER_PUBLIC]})
    assert verdict.failing is not None
    assert (
        verdict.failing.detail
        == 'The issuer "https://elsewhere.example/issuer" is not registered for this provider.'
    )
    assert checked(verdict, "signature").detail.startswith("Not checked")


def test_a_jwt_iss_claim_that_differs_from_the_issuer_fails_the_issuer_check() -> None:
    token = sign_jws({**badge(), "iss": DID_JWK}, private_jwk=PROVIDER_PRIVATE, kid=DID_KEY_VM)
    verdict = verify(token)
    assert verdict.failing is not None
    assert verdict.failing.name == "issuer"
    assert "is not the credential issuer" in verdict.failing.detail


@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
def test_an_unsigned_jwt_with_alg_none_is_rejected(alg: str) -> None:
    header = b64(json.dumps({"alg": alg, "kid": DID_KEY_VM, "typ": "vc+jwt"}).encode())
    payload = b64(json.dumps(badge()).encode())
    for token in (f"{header}.{payload}.", f"{header}.{payload}.c2ln"):
        assert_fails_only(verify(token), "signature", 'algorithm "none"')


@pytest.mark.parametrize(
    ("alg", "detail"),
    [
        ("ES256", "The JWT algorithm ES256 does not match the issuer's key type."),
        ("HS256", 'The JWT algorithm "HS256" is not supported (EdDSA or ES256 only).'),
        ("RS256", 'The JWT algorithm "RS256" is not supported (EdDSA or ES256 only).'),
    ],
)
def test_an_algorithm_not_matching_the_key_is_rejected(alg: str, detail: str) -> None:
    token = sign_badge_jwt(badge(), private_jwk=PROVIDER_PRIVATE, kid=DID_KEY_VM)
    _header, payload, signature = token.split(".")
    header = b64(json.dumps({"alg": alg, "kid": DID_KEY_VM}).encode())
    verdict = verify(f"{header}.{payload}.{signature}")
    assert_fails_only(verdict, "signature", detail)


def test_an_eddsa_header_with_a_p256_key_is_rejected() -> None:
    issuer = did_key_for(P256_PUBLIC)
    token = sign_badge_jwt(badge(issuer), private_jwk=PROVIDER_PRIVATE, kid=f"{issuer}#0")
    assert_fails_only(verify(token, {issuer: []}), "signature", "does not match the issuer's key type")


def test_unsupported_proofs_are_named() -> None:
    document = json.loads(signed_json(badge()))
    document["proof"]["cryptosuite"] = "eddsa-rdfc-2022"
    assert_fails_only(
        verify(json.dumps(document)), "signature", 'The cryptosuite "eddsa-rdfc-2022" is not supported'
    )
    document["proof"]["type"] = "Ed25519Signature2020"
    assert_fails_only(verify(json.dumps(document)), "signature", "is not supported (DataIntegrityProof only)")
    del document["proof"]
    verdict = verify(json.dumps(document))
    assert verdict.proof_format == "unknown"
    assert verdict.failing is not None
    assert verdict.failing.detail == "The credential carries no proof (signature)."


def test_a_proof_for_another_purpose_is_rejected() -> None:
    document = json.loads(signed_json(badge()))
    document["proof"]["proofPurpose"] = "authentication"
    assert_fails_only(
        verify(json.dumps(document)), "signature", "The proof's purpose is not assertionMethod."
    )


# --- validity ------------------------------------------------------------------------------------------


def test_an_expired_badge_fails_validity() -> None:
    raw = signed_json(badge(valid_until=NOW - timedelta(days=1)))
    assert_fails_only(verify(raw), "validity", "Expired: the badge was valid until 2026-05-31 12:00 UTC.")


def test_a_badge_not_yet_valid_fails_validity_with_another_detail() -> None:
    raw = signed_json(badge(valid_from=NOW + timedelta(days=2), valid_until=None))
    assert_fails_only(verify(raw), "validity", "Not yet valid: the badge is valid from 2026-06-03 12:00 UTC.")
    # A few minutes of clock difference is tolerated.
    assert_verified(verify(signed_json(badge(valid_from=NOW + timedelta(minutes=2)))))


def test_the_validity_window_is_inclusive_and_described() -> None:
    verdict = verify(signed_json(badge(valid_until=NOW)))
    assert_verified(verdict)
    assert checked(verdict, "validity").detail == (
        "Valid from 2026-03-01 09:00 UTC until 2026-06-01 12:00 UTC."
    )


def test_a_jwt_nbf_in_the_future_fails_validity() -> None:
    token = sign_jws(
        {**badge(), "nbf": int((NOW + timedelta(days=1)).timestamp())},
        private_jwk=PROVIDER_PRIVATE,
        kid=DID_KEY_VM,
    )
    assert_fails_only(verify(token), "validity", "Not yet valid")


def test_a_bad_date_fails_validity_not_the_whole_verification() -> None:
    credential = badge()
    credential["validUntil"] = "next Tuesday"
    verdict = verify(signed_json(credential))
    assert_fails_only(verdict, "validity", 'The validUntil "next Tuesday" is not a valid date-time.')


# --- recipient -----------------------------------------------------------------------------------------


def test_a_badge_for_another_recipient_id_fails_the_recipient_check() -> None:
    raw = signed_json(badge(recipient_id="did:example:somebody-else"))
    assert_fails_only(verify(raw), "recipient", 'Addressed to someone else: "did:example:somebody-else".')


def test_a_salted_email_hash_matches_the_applicant() -> None:
    raw = signed_json(badge(recipient_id=None, recipient_email=APPLICANT_EMAIL, salt="s4lt"))
    identity = json.loads(raw)["credentialSubject"]["identifier"][0]
    assert identity["identityHash"] == "sha256$" + hashlib.sha256(b"dana.worker@example.orgs4lt").hexdigest()
    verdict = verify(raw, recipient_ids=(), recipient_email="  dana.worker@EXAMPLE.org ")
    assert_verified(verdict)
    assert checked(verdict, "recipient").detail == "Addressed to the applicant's email address (salted hash)."


def test_a_hash_of_another_email_fails_the_recipient_check() -> None:
    raw = signed_json(badge(recipient_id=None, recipient_email="someone@example.org", salt="s4lt"))
    verdict = verify(raw, recipient_ids=(APPLICANT_DID,), recipient_email=APPLICANT_EMAIL)
    assert_fails_only(verdict, "recipient", "an email address that is not the applicant's")


def test_the_same_email_with_another_salt_does_not_match() -> None:
    credential = badge(recipient_id=None, recipient_email=APPLICANT_EMAIL, salt="s4lt")
    credential["credentialSubject"]["identifier"][0]["salt"] = "pepper"
    assert_fails_only(
        verify(signed_json(credential), recipient_email=APPLICANT_EMAIL), "recipient", "someone else"
    )


def test_a_plaintext_email_identity_matches() -> None:
    credential = badge(recipient_id=None, recipient_email=APPLICANT_EMAIL)
    credential["credentialSubject"]["identifier"] = [
        {
            "type": "IdentityObject",
            "identityHash": "dana.worker@example.org",
            "identityType": "emailAddress",
            "hashed": False,
        }
    ]
    assert_verified(verify(signed_json(credential), recipient_ids=(), recipient_email=APPLICANT_EMAIL))


def test_email_identity_hash_normalises_the_address() -> None:
    expected = "sha256$" + hashlib.sha256(b"dana.worker@example.orgabc").hexdigest()
    assert email_identity_hash(" Dana.Worker@Example.ORG ", "abc") == expected


# --- achievement ---------------------------------------------------------------------------------------


def test_an_unrelated_achievement_fails_the_achievement_check() -> None:
    raw = signed_json(
        badge(
            achievement_id="https://provider.example/achievements/baking", ctid="", achievement_name="Baking"
        )
    )
    assert_fails_only(verify(raw), "achievement", '"Baking" is not the funded credential.')


@pytest.mark.parametrize(
    ("achievement_id", "ctid", "where"),
    [
        ("https://other.example/a/1", CTID, "alignment"),
        (f"https://credentialengineregistry.org/resources/{CTID.upper()}", "", "achievement id"),
    ],
)
def test_the_funded_credentials_ctid_identifies_the_achievement(
    achievement_id: str, ctid: str, where: str
) -> None:
    raw = signed_json(badge(achievement_id=achievement_id, ctid=ctid))
    verdict = verify(raw, expected=ExpectedAchievement(ctid=CTID))
    assert_verified(verdict)
    assert (
        checked(verdict, "achievement").detail
        == f'"Welding Level 1" is the funded credential (CTID in its {where}).'
    )


def test_a_ctid_only_as_part_of_a_longer_value_does_not_match() -> None:
    raw = signed_json(badge(achievement_id=f"https://x.example/{CTID}-copy", ctid=""))
    assert_fails_only(
        verify(raw, expected=ExpectedAchievement(ctid=CTID)), "achievement", "is not the funded"
    )


def test_nothing_to_compare_with_fails_the_achievement_check() -> None:
    verdict = verify(signed_json(badge()), expected=ExpectedAchievement())
    assert_fails_only(
        verdict, "achievement", "The funded credential has no achievement id or CTID to compare with."
    )


# --- structure -----------------------------------------------------------------------------------------


def test_a_credential_that_is_not_an_open_badge_fails_the_structure_check() -> None:
    credential = badge()
    credential["@context"] = ["https://www.w3.org/ns/credentials/v2"]
    credential["type"] = ["VerifiableCredential"]
    verdict = verify(signed_json(credential))
    assert_fails_only(
        verdict,
        "structure",
        "Not an Open Badges 3.0 credential: its @context does not include the Open Badges 3.0 context; "
        "its type does not include OpenBadgeCredential.",
    )


def test_a_credential_without_issuer_subject_or_dates_gets_every_check_reported() -> None:
    verdict = verify(
        json.dumps({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "VerifiableCredential"})
    )
    assert [(check.name, check.passed) for check in verdict.checks] == [
        ("format", True),
        ("structure", False),
        ("issuer", False),
        ("signature", False),
        ("validity", True),
        ("recipient", False),
        ("achievement", False),
    ]
    assert verdict.failing is not None
    assert verdict.failing.name == "structure"
    json.dumps(verdict.as_dict())


# --- unreadable input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        ('{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ', "it is not valid JSON"),
        ('{"type": "a", "type": "b"}', 'the key "type" appears twice'),
        ('{"validFrom": NaN}', "NaN is not JSON"),
        ("[1, 2, 3]", "it is JSON but not a credential object"),
        ("", "it is empty"),
        (b"\xff\xfe{}", "it is not UTF-8 text"),
        ("<html>hello</html>", "it is not a compact JWT (three base64url parts separated by dots)"),
    ],
)
def test_malformed_json_fails_the_format_check(raw: str | bytes, detail: str) -> None:
    verdict = verify(raw)
    assert verdict.verified is False
    assert verdict.proof_format == "unknown"
    assert verdict.credential is None
    assert verdict.checks == (verdict.failing,)
    assert verdict.failing is not None
    assert verdict.failing.name == "format"
    assert verdict.failing.detail == f"The badge cannot be read: {detail}."
    json.dumps(verdict.as_dict())


@pytest.mark.parametrize(
    "token",
    [
        "eyJhbGciOiJFZERTQSJ9.eyJhIjoxfQ",  # two parts
        "eyJhbGciOiJFZERTQSJ9.eyJhIjoxfQ.sig.extra",
        "eyJhbGciOiJFZERTQSJ9.!!!!.c2ln",
        f"{b64(b'not json')}.{b64(b'{}')}.c2ln",
        f"{b64(b'[]')}.{b64(b'{}')}.c2ln",
        f"{b64(b'{}')}.{b64(bytes([0xC3, 0x28]))}.c2ln",
        f"{b64(b'{}')}.{b64(b'{}')}.a",  # a one-character segment is not base64url
        f"{b64(json.dumps({'alg': 'EdDSA', 'typ': 'vp+jwt'}).encode())}.{b64(b'{}')}.c2ln",
    ],
)
def test_a_malformed_jwt_fails_the_format_check(token: str) -> None:
    verdict = verify(token)
    assert verdict.failing is not None
    assert verdict.failing.name == "format"
    assert [check.name for check in verdict.checks] == ["format"]


def test_oversize_input_fails_the_format_check_before_parsing() -> None:
    credential = badge()
    credential["description"] = "x" * MAX_BYTES
    for raw in (json.dumps(credential), json.dumps(credential).encode()):
        verdict = verify(raw)
        assert verdict.failing is not None
        assert verdict.failing.detail == "The badge cannot be read: it is larger than 256 KB."


@pytest.mark.parametrize(
    "raw",
    [
        '{"a":' * 40 + "1" + "}" * 40,
        "[" * 200_000,
        '{"a":"' + "[" * 1000 + '","b":' + "[" * 33 + "]" * 33 + "}",
    ],
)
def test_deeply_nested_json_fails_the_format_check(raw: str) -> None:
    verdict = verify(raw)
    assert verdict.failing is not None
    assert verdict.failing.detail == "The badge cannot be read: it is nested more than 32 levels deep."


@pytest.mark.parametrize("raw", ['"' + '\\"' * 100_000, '"' * 200_000, "{" + '"a\\\\":1,' * 20_000])
def test_many_quotes_and_escapes_are_scanned_in_one_pass(raw: str) -> None:
    verdict = verify(raw)
    assert verdict.failing is not None
    assert verdict.failing.detail == "The badge cannot be read: it is not valid JSON."


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    credential = badge()
    credential["description"] = "[[[[{{{{" * 100 + '\\"[[['
    assert_verified(verify(signed_json(credential)))


def test_deeply_nested_jwt_payload_fails_the_format_check() -> None:
    payload = b64(('{"a":' * 40 + "1" + "}" * 40).encode())
    verdict = verify(f"{b64(b'{}')}.{payload}.c2ln")
    assert verdict.failing is not None
    assert verdict.failing.detail == "The badge cannot be read: it is nested more than 32 levels deep."


# --- keys and encodings --------------------------------------------------------------------------------


def test_did_key_and_did_jwk_encode_the_public_key() -> None:
    from core.openbadges import _key_from_did, _public_jwk_of

    assert b58encode(b"hello world") == "StV1DL6CwTryKyV"
    assert b58encode(b"\x00\x00\x01") == "112"
    assert DID_KEY.startswith("did:key:z6Mk")
    assert did_key_for(P256_PUBLIC).startswith("did:key:zDn")
    for public in (PROVIDER_PUBLIC, P256_PUBLIC):
        assert _public_jwk_of(_key_from_did(did_key_for(public))) == public
        assert _public_jwk_of(_key_from_did(did_jwk_for(public))) == public
    encoded = DID_JWK.removeprefix("did:jwk:")
    assert json.loads(base64.urlsafe_b64decode(encoded + "==")) == PROVIDER_PUBLIC


def test_a_did_jwk_carrying_a_private_key_is_not_trusted() -> None:
    did = "did:jwk:" + b64(json.dumps(PROVIDER_PRIVATE).encode())
    token = sign_badge_jwt(badge(did), private_jwk=PROVIDER_PRIVATE, kid=f"{did}#0")
    verdict = verify(token, {did: []})
    assert verdict.failing is not None
    assert verdict.failing.name == "issuer"
    assert "cannot be read from its DID" in verdict.failing.detail


def test_build_badge_needs_a_recipient_and_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="recipient"):
        badge(recipient_id=None)
    with pytest.raises(ValueError, match="timezone-aware"):
        badge(valid_from=datetime(2026, 1, 1))  # noqa: DTZ001
    with pytest.raises(ValueError, match="timezone-aware"):
        verify(signed_json(badge()), now=datetime(2026, 1, 1))  # noqa: DTZ001


# --- never an exception --------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
VALID_JSON = signed_json(badge())
VALID_JWT = sign_badge_jwt(badge(), private_jwk=PROVIDER_PRIVATE, kid=DID_KEY_VM)


@settings(max_examples=150, deadline=None)
@given(raw=st.binary(max_size=300) | st.text(max_size=300))
def test_arbitrary_input_gets_a_verdict_not_an_exception(raw: str | bytes) -> None:
    verdict = verify(raw)
    assert verdict.verified is False
    json.dumps(verdict.as_dict())


@settings(max_examples=150, deadline=None)
@given(
    path=st.lists(
        st.sampled_from(["credentialSubject", "achievement", "proof", "issuer", "identifier"]),
        min_size=1,
        max_size=3,
    ),
    value=JSON_VALUES,
)
def test_any_change_to_a_signed_badge_is_caught_without_an_exception(path: list[str], value: Any) -> None:
    document = json.loads(VALID_JSON)
    target = document
    for key in path[:-1]:
        child = target.get(key) if isinstance(target, dict) else None
        if not isinstance(child, dict):
            break
        target = child
    if not isinstance(target, dict) or target.get(path[-1]) == value:
        return
    target[path[-1]] = value
    verdict = verify(json.dumps(document))
    assert verdict.verified is False
    json.dumps(verdict.as_dict())


@settings(max_examples=150, deadline=None)
@given(index=st.integers(min_value=0, max_value=len(VALID_JWT) - 1), char=st.sampled_from("AQgw_-.x"))
def test_any_changed_character_of_a_jwt_is_caught(index: int, char: str) -> None:
    if VALID_JWT[index] == char:
        return
    token = VALID_JWT[:index] + char + VALID_JWT[index + 1 :]
    verdict = verify(token)
    # The last character of a base64url segment may carry unused bits that decode to the same bytes.
    if verdict.verified:
        header, payload, signature = token.split(".")
        assert (header, payload) == tuple(VALID_JWT.split(".")[:2])
        assert base64.urlsafe_b64decode(signature + "==") == base64.urlsafe_b64decode(
            VALID_JWT.split(".")[2] + "=="
        )


@pytest.mark.parametrize("form", ["json", "jwt"])
@pytest.mark.parametrize("text", ["Welding\x00Level 1", "Welding\x07Level 1"])
def test_a_signed_badge_whose_text_holds_a_control_character_cannot_be_read(form: str, text: str) -> None:
    """A genuine signature over an escaped NUL still gives text that no check could store (PostgreSQL's
    jsonb holds no U+0000): refused at the format check, naming why."""
    credential = badge(achievement_name=text)
    raw = (
        signed_json(credential)
        if form == "json"
        else sign_badge_jwt(credential, private_jwk=PROVIDER_PRIVATE, kid=DID_KEY_VM)
    )
    verdict = verify(raw)
    assert verdict.verified is False
    assert verdict.failing is not None
    assert verdict.failing.name == "format"
    assert verdict.failing.detail == (
        "The badge cannot be read: its text holds a control character (such as NUL)."
    )
    json.dumps(verdict.as_dict())
