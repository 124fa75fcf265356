"""The finance officer's journey, end to end through the pages.

A finance officer opens the work list, sees that a claim they verified themselves must be approved by
another officer (maker-checker), and approves the payment of an award whose completion a program manager
verified; they put the payment in a batch (meeting the batch form's error state), export the batch's CSV
file (the download is checked), mark the batch as sent, upload the finance system's results file (meeting
the upload form's error state) and read the result; the award then shows as paid. Every page on the way is
scanned by axe and photographed at phone and desktop widths.

Only the starting point is made with factories and services: awards with verified completion claims.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from e2e.conftest import assert_accessible, sign_in
from grants.awards.services import completion_verify
from grants.models import Application, Payment, PaymentBatch
from tests.grants.factories import claimed_application, finance_officer, funded_setup, verified_application

pytestmark = pytest.mark.django_db(transaction=True)


def _starting_point() -> tuple[Any, Any, Any]:
    """Two awards of one program with verified completion: one verified by a program manager, one by the
    finance officer who will sign in (so another officer must approve that one's payment)."""
    program, _manager, credential = funded_setup(name="Digital Skills Fund")
    officer = finance_officer()
    officer.full_name = "Frances Finance"
    officer.save(update_fields=["full_name"])
    award, _claim, _verifier = verified_application(program=program, credential=credential)
    own, own_claim, _own_manager = claimed_application(program=program, credential=credential)
    completion_verify(actor=officer, claim=own_claim)
    return officer, award, own


def _main(page: Page) -> Locator:
    return page.locator("main")


def _message(page: Page, text: str) -> Locator:
    return page.locator(".message", has_text=text)


def _row(page: Page, text: str) -> Locator:
    return _main(page).locator("tr", has_text=text)


def test_finance(page: Page, live_server: Any, tmp_path: Path) -> None:
    officer, award, own = _starting_point()
    page.set_default_timeout(10_000)
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, live_server, officer)

    # ---- The work list: verified claims waiting for payment approval.
    page.goto("/finance/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Finance work list")
    expect(_row(page, own.reference)).to_contain_text("another finance officer must approve")
    assert_accessible(page, "01-work-list")

    # ---- Maker-checker: the claim the officer verified cannot be approved by them.
    _row(page, own.reference).get_by_role("link", name=re.compile(r"^See the claim")).click()
    expect(_main(page).get_by_text("You verified this claim")).to_be_visible()
    expect(_main(page).get_by_role("button", name="Approve the payment")).to_have_count(0)
    assert_accessible(page, "02-approve-own-claim-refused")

    # ---- The claim a program manager verified: approve its payment.
    page.goto("/finance/")
    _row(page, award.reference).get_by_role("link", name=re.compile(r"^Approve payment")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(award.reference)
    assert_accessible(page, "03-approve-payment")
    _main(page).get_by_role("button", name="Approve the payment").click()
    payment = Payment.objects.get(application=award)
    expect(_message(page, f"Payment {payment.reference} approved")).to_be_visible()
    assert_accessible(page, "04-payment-approved")
    assert (payment.status, payment.approved_by_id) == (Payment.Status.APPROVED, officer.pk)

    # ---- Put it in a batch, first without choosing a payment.
    page.goto("/finance/")
    _main(page).get_by_role("link", name=re.compile(r"^Approved payments waiting for a batch")).click()
    expect(_row(page, payment.reference)).to_contain_text("Approved")
    _main(page).get_by_role("link", name="Put approved payments in a batch").click()
    expect(_main(page).get_by_label(re.compile(payment.reference))).to_be_visible()
    assert_accessible(page, "05-new-batch")
    _main(page).get_by_role("button", name="Create the batch").click()
    expect(_main(page).get_by_text("Choose at least one payment.").first).to_be_visible()
    assert_accessible(page, "06-new-batch-errors")
    assert not PaymentBatch.objects.exists()
    _main(page).get_by_label(re.compile(payment.reference)).check()
    _main(page).get_by_role("button", name="Create the batch").click()
    batch = PaymentBatch.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Batch {batch.reference}")
    assert_accessible(page, "07-batch-draft")

    # ---- Export the CSV file: a download, with the payment in it.
    with page.expect_download() as download_info:
        _main(page).get_by_role("button", name="Export the CSV file").click()
    download = download_info.value
    assert download.suggested_filename == f"{batch.reference}.csv"
    exported = Path(download.path()).read_text(encoding="utf-8")
    assert payment.reference in exported
    assert str(payment.amount) in exported
    batch.refresh_from_db()
    assert batch.status == PaymentBatch.Status.EXPORTED

    # ---- Mark it as sent to the finance system.
    page.reload()
    _main(page).get_by_role("button", name="Mark as sent to the finance system").click()
    expect(_message(page, f"Batch {batch.reference} is marked as sent.")).to_be_visible()
    assert_accessible(page, "08-batch-sent")

    # ---- Upload the results file, first without a file.
    _main(page).get_by_role("link", name="Upload the results file").click()
    assert_accessible(page, "09-reconcile")
    _main(page).get_by_role("button", name="Upload and apply the results").click()
    expect(_main(page).locator(".field__error")).to_be_visible()
    assert_accessible(page, "10-reconcile-errors")
    results = tmp_path / "results.csv"
    results.write_text(
        "payment_reference,result,paid_on,reason,amount\n"
        f"{payment.reference},paid,{timezone.localdate().isoformat()},,{payment.amount}\n",
        encoding="utf-8",
    )
    _main(page).get_by_label("Results file (CSV)").set_input_files(str(results))
    _main(page).get_by_role("button", name="Upload and apply the results").click()
    expect(_message(page, "1 of 1 rows applied.")).to_be_visible()
    expect(_row(page, payment.reference).first).to_contain_text("Done")
    assert_accessible(page, "11-reconciled")
    batch.refresh_from_db()
    payment.refresh_from_db()
    assert (batch.status, payment.status) == (PaymentBatch.Status.RECONCILED, Payment.Status.PAID)

    # ---- The award shows as paid.
    _row(page, payment.reference).get_by_role("link", name=payment.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(payment.reference)
    assert_accessible(page, "12-payment-paid")
    page.goto(f"/applications/{award.pk}/")
    expect(page.locator("main")).to_contain_text("Paid")
    assert_accessible(page, "13-award-paid")
    award.refresh_from_db()
    assert award.status == Application.Status.PAID
    assert award.amount_paid == payment.amount
