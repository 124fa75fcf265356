"""An application's private files: its documents and its decision letter, for the applicant side and
the staff working on it (a 404 for everyone else), never from a public URL."""

from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpRequest
from django.utils.text import get_valid_filename
from django.views.decorators.http import require_safe

from accounts.permissions import get_visible_or_404
from core.views import private_download
from grants.applications.letters import letter_for
from grants.models import Application
from grants.permissions import applications_visible_to, is_applicant_side, is_staff_viewer


def _application_for_files(request: HttpRequest, pk: int) -> Application:
    """The application if the caller may see its files: the applicant side or staff working on it."""
    application = get_visible_or_404(applications_visible_to(request.user).select_related("program"), pk=pk)
    if not (is_applicant_side(request.user, application) or is_staff_viewer(request.user, application)):
        raise Http404
    return application


def _safe_filename(name: str, fallback: str) -> str:
    try:
        return get_valid_filename(name)[:120] or fallback
    except SuspiciousFileOperation:
        return fallback


@require_safe
def document_download(request: HttpRequest, pk: int, doc_pk: int) -> FileResponse:
    application = _application_for_files(request, pk)
    document = application.documents.filter(pk=doc_pk).first()
    if document is None:
        raise Http404
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(
        document.content_type, "bin"
    )
    fallback = f"{application.reference}-document-{document.pk}.{extension}"
    filename = _safe_filename(document.original_name, fallback)
    if not filename.lower().endswith(f".{extension}"):
        filename = f"{filename}.{extension}"
    return private_download(document.file, filename=filename, content_type=document.content_type)


@require_safe
def letter_download(request: HttpRequest, pk: int) -> FileResponse:
    application = _application_for_files(request, pk)
    letter = letter_for(application)
    if letter is None:
        raise Http404
    return private_download(
        letter.file, filename=f"{application.reference}-decision-letter.pdf", content_type="application/pdf"
    )
