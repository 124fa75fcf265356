"""Render Django templates to tagged (PDF/UA-1) PDFs that cannot reach outside our own static files.

A PDF is often built from text people typed (names, reasons, comments). Templates autoescape that text, and
WeasyPrint only ever sees resources through `SafeFetcher`: `data:` URLs and files of our static folders.
Everything else, `file:///etc/passwd`, `http(s)://` and any other scheme, fails to load, the PDF is still
produced without it, and WeasyPrint logs the refusal. WeasyPrint's default fetcher would read local files
(and even embed them as attachments) and call the network, so it is never used here.

Templates extend `pdf/base.html` and address static files as `/static/<path>` (or by `STATIC_URL`).
Links in a PDF have no page to be relative to: write them as absolute URLs.
"""

import mimetypes
import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

PDF_VARIANT = "pdf/ua-1"

# The document's own address. Relative URLs such as `/static/css/print.css` resolve against it, and the
# fetcher maps it onto our static folders. `.invalid` is reserved (RFC 6761): nothing is ever fetched
# from it, and no other http(s) URL is fetched either.
DOCUMENT_BASE_URL = "https://skillsfund-pdf.invalid/"

# BCP 47 shape (en, es, en-US, zh-Hant-TW): it goes into the PDF catalog and the `lang` attribute.
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")


class ResourceRefused(URLFetchingError):
    """A document asked for a resource a PDF may not load; WeasyPrint renders the PDF without it."""


class SafeFetcher(URLFetcher):
    """Serve `data:` URLs and our own static files to WeasyPrint, and refuse everything else.

    Static files are looked up with the staticfiles finders (`STATICFILES_DIRS` and each app's `static/`
    folder) and, for the hashed names `{% static %}` gives in production, in `STATIC_ROOT`. A file is only
    served if its real path (symbolic links followed) lies inside one of those folders.
    """

    def __init__(self) -> None:
        # Only `data:` reaches the parent class; the allow-list there is a second lock on the same door.
        super().__init__(allowed_protocols=["data"], allow_redirects=False)

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        if urlsplit(url).scheme == "data":
            return super().fetch(url, headers)
        path = static_file_for_url(url)
        if path is None:
            raise ResourceRefused(
                f"Refused to load {url[:200]!r}: a PDF may only use data: URLs and our own static files."
            )
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def static_file_for_url(url: str) -> Path | None:
    """Return the static file `url` names (`<document base>/static/...` or `STATIC_URL...`), else None."""
    parts = urlsplit(url)
    address = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    prefixes = {urljoin(DOCUMENT_BASE_URL, "/static/"), urljoin(DOCUMENT_BASE_URL, settings.STATIC_URL)}
    for prefix in prefixes:
        if address.startswith(prefix):
            return _find_static_file(unquote(address.removeprefix(prefix)))
    return None


def _find_static_file(relative_path: str) -> Path | None:
    if not relative_path or "\\" in relative_path or "\x00" in relative_path:
        return None
    pure_path = PurePosixPath(relative_path)
    if pure_path.is_absolute() or any(part in {"..", "."} for part in pure_path.parts):
        return None
    roots = _static_roots()
    candidates = [finders.find(relative_path), Path(settings.STATIC_ROOT) / relative_path]
    for candidate in candidates:
        if not candidate:
            continue
        real_path = Path(candidate).resolve()
        if real_path.is_file() and any(real_path.is_relative_to(root) for root in roots):
            return real_path
    return None


def _static_roots() -> list[Path]:
    roots = [Path(settings.STATIC_ROOT).resolve()]
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            roots.append(Path(storage.location).resolve())
    return roots


def render_html(*, template_name: str, context: Mapping[str, object], title: str, lang: str = "en") -> str:
    """Render the template to the HTML `render_pdf` prints; context text is autoescaped.

    The template sees `document_title` and `document_lang` besides `context`.
    Raises ValueError if `lang` is not a language tag such as "en" or "es-US".
    """
    if not _LANGUAGE_TAG.fullmatch(lang):
        raise ValueError(f"{lang!r} is not a language tag such as 'en' or 'es-US'.")
    return render_to_string(template_name, {**context, "document_title": title, "document_lang": lang})


def render_pdf(*, template_name: str, context: Mapping[str, object], title: str, lang: str = "en") -> bytes:
    """Render the template to a tagged PDF/UA-1 document titled `title` in language `lang`.

    No side effects: reads templates and static files only. Resources other than `data:` URLs and our
    static files are left out of the PDF (see `SafeFetcher`) and logged by WeasyPrint.
    """
    html = render_html(template_name=template_name, context=context, title=title, lang=lang)
    document = HTML(string=html, base_url=DOCUMENT_BASE_URL, url_fetcher=SafeFetcher()).render(
        pdf_variant=PDF_VARIANT
    )
    # The title and language are the caller's, whatever the template's <title> and lang say.
    document.metadata.title = title
    document.metadata.lang = lang
    pdf: bytes = document.write_pdf(pdf_variant=PDF_VARIANT)
    return pdf
