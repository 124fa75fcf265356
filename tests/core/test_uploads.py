"""Uploads are checked by their first bytes and their size, never by their name or declared type."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.uploads import detect_kind, human_size, validate_upload

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32


@pytest.mark.parametrize(("content", "kind"), [(PDF, "pdf"), (PNG, "png"), (JPEG, "jpeg")])
def test_each_kind_is_recognised_by_its_first_bytes(content: bytes, kind: str) -> None:
    upload = SimpleUploadedFile("whatever.bin", content, content_type="application/octet-stream")
    assert validate_upload(upload) == kind


@pytest.mark.parametrize(
    "content",
    [
        b"<html><script>alert(1)</script></html>",
        b"PK\x03\x04 a zip or docx",
        b"MZ\x90\x00 a windows program",
        b" %PDF-1.4 with a space in front",
        b"%PD",
        b"\x89PNG\r\n",  # a truncated PNG signature
    ],
)
def test_other_content_is_refused_whatever_the_name_and_declared_type(content: bytes) -> None:
    upload = SimpleUploadedFile("syllabus.pdf", content, content_type="application/pdf")
    with pytest.raises(ValidationError) as caught:
        validate_upload(upload)
    assert caught.value.messages == [
        "The file must be a PDF, PNG image or JPEG image. This file is not, whatever its name says."
    ]
    assert caught.value.code == "wrong_kind"


def test_allowed_narrows_the_kinds() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_upload(SimpleUploadedFile("scan.pdf", PNG), allowed=("pdf",))
    assert caught.value.messages == ["The file must be a PDF. This file is not, whatever its name says."]
    assert validate_upload(SimpleUploadedFile("scan.png", PNG), allowed=("pdf", "png")) == "png"
    with pytest.raises(ValidationError, match="must be a PDF or PNG image"):
        validate_upload(SimpleUploadedFile("scan.jpg", JPEG), allowed=("pdf", "png"))


def test_an_unknown_allowed_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="gif"):
        validate_upload(SimpleUploadedFile("a.gif", b"GIF89a"), allowed=("gif",))
    with pytest.raises(ValueError, match="nothing"):
        validate_upload(SimpleUploadedFile("a.pdf", PDF), allowed=())


def test_size_limit_is_checked_before_the_content() -> None:
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * 3000)
    with pytest.raises(ValidationError) as caught:
        validate_upload(upload, max_bytes=2048)
    assert caught.value.messages == ["The file is 3 KB; the largest file you can upload is 2 KB."]
    assert caught.value.code == "too_large"
    assert validate_upload(SimpleUploadedFile("exact.pdf", PDF), max_bytes=len(PDF)) == "pdf"


def test_the_default_limit_comes_from_settings(settings) -> None:
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="largest file you can upload is 10 bytes"):
        validate_upload(SimpleUploadedFile("a.pdf", PDF))
    settings.UPLOAD_MAX_BYTES = 1024
    assert validate_upload(SimpleUploadedFile("a.pdf", PDF)) == "pdf"


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_upload(SimpleUploadedFile("empty.pdf", b""))
    assert caught.value.messages == ["The file is empty. Choose the file again."]


def test_the_read_position_is_left_where_it_was() -> None:
    upload = SimpleUploadedFile("a.pdf", PDF)
    upload.seek(3)
    assert validate_upload(upload) == "pdf"
    assert upload.tell() == 3


def test_plain_file_objects_without_a_size_work_too() -> None:
    handle = io.BytesIO(PNG)
    assert detect_kind(handle) == "png"
    assert validate_upload(handle, max_bytes=len(PNG)) == "png"
    with pytest.raises(ValidationError):
        validate_upload(io.BytesIO(PNG), max_bytes=len(PNG) - 1)


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 bytes"),
        (900, "900 bytes"),
        (2048, "2 KB"),
        (10 * 1024 * 1024, "10 MB"),
        (int(9.5 * 1024 * 1024), "9.5 MB"),
    ],
)
def test_human_size(size: int, text: str) -> None:
    assert human_size(size) == text


# ---------------------------------------------------------------- payroll extracts (CSV, XLSX)

PAYROLL_CSV = b"employee_id,hired_on,annual_wage\n1001,2026-01-12,52000\n1002,2026-02-02,48000\n"


def _xlsx(parts: tuple[str, ...] = ("[Content_Types].xml", "xl/workbook.xml")) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in parts:
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


PAYROLL_KINDS = ("csv", "xlsx", "pdf")


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (PAYROLL_CSV, "csv"),
        (b"\xef\xbb\xbfname;wage\nAna;52000\n", "csv"),  # a byte-order mark and semicolons
        (b"name\twage\nJos\xc3\xa9\t48000\n", "csv"),  # tabs and UTF-8 accents
        (_xlsx(), "xlsx"),
        (PDF, "pdf"),
    ],
)
def test_payroll_extracts_are_recognised_by_content(content: bytes, kind: str) -> None:
    upload = SimpleUploadedFile("payroll.bin", content, content_type="application/octet-stream")
    assert validate_upload(upload, allowed=PAYROLL_KINDS) == kind
    assert upload.tell() == 0


@pytest.mark.parametrize(
    "content",
    [
        b"employee,wage\n1001,52\x00000\n",  # a NUL byte: binary, not text
        b"name,wage\n\xff\xfe\xfa,100\n",  # not UTF-8
        b"Just a sentence with no columns at all\nand another line\n",
        _xlsx(("[Content_Types].xml", "word/document.xml")),  # a Word file, not a workbook
        b"PK\x03\x04 not really a zip",
        PNG,
        b"<html><script>alert(1)</script></html>",
    ],
)
def test_other_content_is_not_a_payroll_extract(content: bytes) -> None:
    upload = SimpleUploadedFile("payroll.csv", content, content_type="text/csv")
    with pytest.raises(ValidationError) as caught:
        validate_upload(upload, allowed=PAYROLL_KINDS)
    assert caught.value.code == "wrong_kind"
    assert caught.value.messages == [
        "The file must be a CSV file, Excel workbook (.xlsx) or PDF. "
        "This file is not, whatever its name says."
    ]


def test_csv_and_xlsx_are_refused_where_callers_did_not_ask_for_them() -> None:
    for content in (PAYROLL_CSV, _xlsx()):
        upload = SimpleUploadedFile("evidence.pdf", content, content_type="application/pdf")
        with pytest.raises(ValidationError):
            validate_upload(upload)
        assert detect_kind(upload) is None


def test_a_long_csv_cut_inside_a_character_still_reads_as_csv() -> None:
    row = "1001,José Núñez,52000\n".encode()
    content = b"id,name,wage\n" + row * 5000  # far beyond the 64 KB sample
    upload = SimpleUploadedFile("payroll.csv", content, content_type="text/csv")
    assert validate_upload(upload, allowed=("csv",), max_bytes=10 * 1024 * 1024) == "csv"


def test_unknown_kinds_are_a_programming_error() -> None:
    upload = SimpleUploadedFile("payroll.csv", PAYROLL_CSV)
    with pytest.raises(ValueError, match="cannot check"):
        validate_upload(upload, allowed=("docx",))


def test_a_pdf_cut_off_before_its_end_marker_is_refused() -> None:
    whole = PDF + b"\n"
    assert validate_upload(SimpleUploadedFile("ok.pdf", whole)) == "pdf"
    cut = whole[: whole.index(b"%%EOF")]
    with pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile("cut.pdf", cut))
    assert error.value.code == "truncated"


def test_a_workbook_that_would_unpack_to_a_huge_size_is_refused() -> None:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (101 * 1024 * 1024))
    upload = SimpleUploadedFile("payroll.xlsx", buffer.getvalue())
    assert upload.size < 1024 * 1024  # small on disk, 101 MB unpacked
    with pytest.raises(ValidationError):
        validate_upload(upload, allowed=("xlsx",))
