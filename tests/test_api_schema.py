import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_openapi_schema_is_valid_and_complete(tmp_path) -> None:
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in (
        "/api/v1/auth/token/",
        "/api/v1/me/",
        "/api/v1/users/",
        "/api/v1/users/{id}/roles/grant/",
        "/api/v1/programs/",
        "/api/v1/programs/{code}/",
        "/api/v1/programs/{code}/transition/",
        "/api/v1/programs/{code}/budget/",
        "/api/v1/programs/{code}/eligibility-check/",
        "/api/v1/programs/{program_code}/rounds/",
        "/api/v1/programs/{program_code}/rounds/{id}/",
        "/api/v1/programs/{program_code}/caps/{id}/",
        "/api/v1/programs/{program_code}/eligibility-rules/",
        "/api/v1/programs/{program_code}/criteria/",
        "/api/v1/programs/{program_code}/credentials/{credential_id}/",
        "/api/v1/credentials/",
        "/api/v1/credentials/{id}/",
        "/api/v1/providers/",
        "/api/v1/skills/",
        "/api/v1/credential-requests/",
        "/api/v1/credential-requests/{id}/approve/",
        "/api/v1/credential-requests/{id}/decline/",
        "/api/v1/applications/",
        "/api/v1/applications/{id}/",
        "/api/v1/applications/{id}/assessment/",
        "/api/v1/applications/{id}/submit/",
        "/api/v1/applications/{id}/withdraw/",
        "/api/v1/applications/{id}/assign/",
        "/api/v1/applications/{id}/declare-conflict/",
        "/api/v1/applications/{id}/reviews/",
        "/api/v1/applications/{id}/request-info/",
        "/api/v1/applications/{id}/respond/",
        "/api/v1/applications/{id}/approve/",
        "/api/v1/applications/{id}/reject/",
        "/api/v1/applications/{id}/events/",
        "/api/v1/applications/{id}/documents/",
        "/api/v1/applications/{id}/documents/{doc_id}/",
        "/api/v1/applications/{id}/letter/",
        "/api/v1/me/worker-profile/",
        "/api/v1/me/demographics/",
    ):
        assert f"  {path}:" in text


@pytest.mark.django_db
def test_schema_and_docs_are_served_from_local_assets(client) -> None:
    assert client.get("/api/schema/").status_code == 200
    html = client.get("/api/docs/").content.decode()
    assert "cdn" not in html.lower()
    assert "/static/drf_spectacular_sidecar/" in html
