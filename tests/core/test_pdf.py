"""PDFs render from templates, carry their text, title and language, and reach nothing but our static files.

Text is read back from the PDF bytes themselves with a small reader (`_pdf_text`, standard library only): it
inflates the streams, follows each page's fonts to their ToUnicode maps and decodes the glyphs each text
object shows, which is what a PDF viewer or pdftotext does to copy or read text aloud. No extra dependency.
"""

import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from pytest_django import Settings
from weasyprint.urls import URLFetcherResponse, URLFetchingError, fetch

import core.pdf
from core.pdf import DOCUMENT_BASE_URL, ResourceRefused, SafeFetcher, render_html, render_pdf

TEMPLATE = "pdf/_test_document.html"
HOSTILE_TEXT = (
    '<img src="file:///etc/passwd"><link rel="attachment" href="file:///etc/passwd"><script>alert(1)</script>'
)
PRINT_CSS_URL = f"{DOCUMENT_BASE_URL}static/css/print.css"
STATIC_FOLDER = Path(__file__).resolve().parents[2] / "static"


def _context(**overrides: object) -> dict[str, object]:
    return {
        "applicant_name": "Ada Lovelace",
        "reason": "Completed the CompTIA A+ credential",
        "rows": [
            {"credential": "CompTIA A+", "amount": "$1,250.00"},
            {"credential": "AWS Cloud Practitioner", "amount": "$300.00"},
        ],
        **overrides,
    }


class RecordingFetcher(SafeFetcher):
    """The real fetcher, noting what each render asked for and whether it was served."""

    requests: list[tuple[str, str]] = []

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        try:
            response = super().fetch(url, headers)
        except ResourceRefused:
            self.requests.append((url, "refused"))
            raise
        self.requests.append((url, "served"))
        return response


@pytest.fixture
def fetcher_requests(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    requests: list[tuple[str, str]] = []
    monkeypatch.setattr(RecordingFetcher, "requests", requests)
    monkeypatch.setattr(core.pdf, "SafeFetcher", RecordingFetcher)
    return requests


# A small PDF reader for the files WeasyPrint writes (PDF 1.7, object streams, Flate, Identity-H fonts).

from tests.pdf_text import _inflated, _pdf_objects, _pdf_text  # noqa: E402


def test_a_template_renders_to_a_pdf_whose_text_can_be_read_back() -> None:
    pdf = render_pdf(template_name=TEMPLATE, context=_context(), title="Award letter for Ada Lovelace")

    assert pdf.startswith(b"%PDF-1.7\n")
    assert _pdf_text(pdf) == [
        "SkillsFund",
        "Award letter for Ada Lovelace",
        "Applicant: Ada Lovelace",
        "Reason given: Completed the CompTIA A+ credential",
        "Credentials funded",
        "CredentialAmount",
        "CompTIA A+$1,250.00",
        "AWS Cloud Practitioner$300.00",
        "Award letter for Ada LovelacePage 1 of 1",
    ]


def test_the_pdf_is_tagged_pdf_ua_with_the_callers_title_and_language() -> None:
    pdf = _inflated(
        render_pdf(template_name=TEMPLATE, context=_context(), title="Decision letter", lang="es")
    )

    assert b"/Title (Decision letter)" in pdf
    assert b"/Lang (es)" in pdf
    assert b"/MarkInfo <</Marked true>>" in pdf
    assert b"/StructTreeRoot " in pdf
    assert b"/ViewerPreferences <</DisplayDocTitle true>>" in pdf
    assert b'<rdf:Description rdf:about="" pdfuaid:part="1" />' in pdf
    assert b'<rdf:li xml:lang="x-default">Decision letter</rdf:li>' in pdf


def test_every_piece_of_text_including_the_page_footer_is_set_in_dejavu_sans() -> None:
    pdf = _inflated(render_pdf(template_name=TEMPLATE, context=_context(), title="Fonts"))

    base_fonts = {name.split(b"+")[-1] for name in re.findall(rb"/BaseFont /(\S+?)/", pdf)}
    assert base_fonts == {b"DejaVu-Sans", b"DejaVu-Sans-Bold"}


def test_a_page_count_over_several_pages_is_printed_on_each_page() -> None:
    rows = [{"credential": f"Credential {number}", "amount": "$10.00"} for number in range(120)]

    pdf = render_pdf(template_name=TEMPLATE, context=_context(rows=rows), title="Long")

    dictionaries, _ = _pdf_objects(pdf)
    page_count = sum(1 for dictionary in dictionaries.values() if re.search(rb"/Type /Page(?!s)", dictionary))
    footers = [line.removeprefix("Long") for line in _pdf_text(pdf) if line.startswith("LongPage ")]
    assert page_count > 1
    assert footers == [f"Page {number} of {page_count}" for number in range(1, page_count + 1)]


def test_hostile_text_in_the_context_is_escaped_and_printed_as_text(
    fetcher_requests: list[tuple[str, str]],
) -> None:
    context = _context(applicant_name=HOSTILE_TEXT)

    html = render_html(template_name=TEMPLATE, context=context, title=HOSTILE_TEXT)
    pdf = render_pdf(template_name=TEMPLATE, context=context, title=HOSTILE_TEXT)

    escaped = (
        "&lt;img src=&quot;file:///etc/passwd&quot;&gt;&lt;link rel=&quot;attachment&quot; "
        "href=&quot;file:///etc/passwd&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    )
    assert f"<title>{escaped}</title>" in html
    assert f'<span class="applicant">{escaped}</span>' in html
    assert "file:///etc/passwd" not in html.replace(escaped, "")
    assert "<script" not in html
    assert fetcher_requests == [(PRINT_CSS_URL, "served")]
    assert f"Applicant: {HOSTILE_TEXT}" in "".join(_pdf_text(pdf))
    assert b"/EmbeddedFiles" not in _inflated(pdf)


def test_raw_markup_reaching_for_local_files_or_the_network_is_refused_and_the_pdf_still_renders(
    fetcher_requests: list[tuple[str, str]],
) -> None:
    pdf = render_pdf(
        template_name=TEMPLATE, context=_context(include_raw_hostile_markup=True), title="Raw markup"
    )

    assert Counter(fetcher_requests) == Counter(
        {
            (PRINT_CSS_URL, "served"): 1,
            ("file:///etc/passwd", "refused"): 2,  # the <img> and the <link rel="attachment">
            ("https://example.com/tracker.png", "refused"): 1,
            ("http://example.com/background.png", "refused"): 1,
            ("data:text/plain,allowed-data-attachment", "served"): 1,
        }
    )
    assert pdf.startswith(b"%PDF-")
    assert "Styled block" in _pdf_text(pdf)
    inflated = _inflated(pdf)
    # The data: attachment shows the check can see embedded files; the refused one is not there.
    assert inflated.count(b"/Type /EmbeddedFile") == 1
    assert b"allowed-data-attachment" in inflated
    assert b"root:" not in inflated


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://example.com/x.png",
        "https://example.com/x.png",
        "ftp://example.com/x.png",
        "javascript:alert(1)",
        STATIC_FOLDER.joinpath("css", "print.css").as_uri(),  # our own file, but not addressed by /static/
        f"{DOCUMENT_BASE_URL}etc/passwd",
        f"{DOCUMENT_BASE_URL}static/../../../../etc/passwd",
        f"{DOCUMENT_BASE_URL}static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        f"{DOCUMENT_BASE_URL}static//etc/passwd",
        f"{DOCUMENT_BASE_URL}static/css/no-such-file.css",
        f"{DOCUMENT_BASE_URL}static/css/",
        "https://evil.example/static/css/print.css",
    ],
)
def test_the_fetcher_refuses_everything_but_data_urls_and_our_static_files(url: str) -> None:
    with pytest.raises(ResourceRefused, match="a PDF may only use data: URLs and our own static files"):
        SafeFetcher().fetch(url)
    # WeasyPrint turns the refusal into a failed fetch (it leaves the resource out), not a failed render.
    with pytest.raises(URLFetchingError), fetch(SafeFetcher(), url):
        pass


def _read(response: URLFetcherResponse) -> bytes:
    try:
        return bytes(response.read())
    finally:
        response.close()


def test_the_fetcher_serves_data_urls() -> None:
    response = SafeFetcher().fetch("data:text/plain;base64,aGVsbG8=")

    assert (response.content_type, _read(response)) == ("text/plain", b"hello")


def test_the_fetcher_serves_our_stylesheet_by_its_static_path() -> None:
    response = SafeFetcher()(PRINT_CSS_URL)

    assert response.content_type == "text/css"
    assert _read(response) == STATIC_FOLDER.joinpath("css", "print.css").read_bytes()


def test_the_fetcher_serves_an_apps_static_files() -> None:
    response = SafeFetcher().fetch(f"{DOCUMENT_BASE_URL}static/admin/css/base.css")

    assert _read(response) == Path(finders.find("admin/css/base.css") or "/missing").read_bytes()


def test_the_fetcher_serves_static_files_by_an_absolute_static_url(settings: Settings) -> None:
    settings.STATIC_URL = "https://cdn.example.org/assets/"

    response = SafeFetcher().fetch("https://cdn.example.org/assets/css/print.css")

    assert _read(response).startswith(b"/* Base print stylesheet")


def test_the_fetcher_refuses_a_symbolic_link_out_of_a_static_folder(
    settings: Settings, tmp_path: Path
) -> None:
    static_folder, outside = tmp_path / "static", tmp_path / "outside"
    static_folder.mkdir()
    outside.mkdir()
    (static_folder / "ours.txt").write_text("ours")
    (outside / "secret.txt").write_text("secret")
    (static_folder / "link.txt").symlink_to(outside / "secret.txt")
    settings.STATICFILES_DIRS = [static_folder]
    settings.STATIC_ROOT = tmp_path / "collected"

    assert _read(SafeFetcher().fetch(f"{DOCUMENT_BASE_URL}static/ours.txt")) == b"ours"
    with pytest.raises(ResourceRefused):
        SafeFetcher().fetch(f"{DOCUMENT_BASE_URL}static/link.txt")


def test_a_language_that_is_not_a_language_tag_is_refused() -> None:
    with pytest.raises(ValueError, match="is not a language tag"):
        render_html(template_name=TEMPLATE, context=_context(), title="Letter", lang='en" onload="x')
