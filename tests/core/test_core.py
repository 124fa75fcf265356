import pytest
from django import forms
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from rest_framework.test import APIRequestFactory

from accounts.models import RoleChange
from core.api import exception_handler
from core.exceptions import ApplicationError, Conflict, NotAllowed
from core.forms import add_service_errors
from core.mail import send_templated_mail_on_commit
from core.models import AppendOnlyError
from tests.accounts.factories import UserFactory


@pytest.mark.django_db
def test_append_only_rows_cannot_be_changed_or_deleted() -> None:
    row = RoleChange.objects.create(user=UserFactory(), role="worker", action="granted")
    row.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        RoleChange.objects.filter(pk=row.pk).update(reason="rewritten")
    with pytest.raises(AppendOnlyError):
        RoleChange.objects.all().delete()
    row.refresh_from_db()
    assert row.reason == ""


def _handle(exc: Exception):  # type: ignore[no-untyped-def]
    request = APIRequestFactory().get("/")
    return exception_handler(exc, {"request": request, "view": None})


def test_exception_handler_turns_validation_errors_into_field_errors() -> None:
    response = _handle(ValidationError({"amount": ["Must be positive."], "__all__": ["Round is closed."]}))
    assert response.status_code == 400
    assert response.data == {"amount": ["Must be positive."], "non_field_errors": ["Round is closed."]}
    response = _handle(ValidationError("Plain message."))
    assert (response.status_code, response.data) == (400, {"non_field_errors": ["Plain message."]})


def test_exception_handler_maps_application_errors() -> None:
    assert _handle(ApplicationError("No.")).status_code == 400
    assert _handle(NotAllowed("Not yours to approve.")).data == {"detail": "Not yours to approve."}
    assert _handle(NotAllowed("x")).status_code == 403
    assert _handle(Conflict("Already decided.")).status_code == 409
    assert _handle(ApplicationError("Too big.", field="amount")).data == {"amount": ["Too big."]}


def test_exception_handler_maps_django_404_and_403() -> None:
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    assert _handle(Http404("secret detail")).status_code == 404
    assert "secret" not in str(_handle(Http404("secret detail")).data)
    assert _handle(PermissionDenied()).status_code == 403


class SampleForm(forms.Form):
    amount = forms.DecimalField(label="Amount", help_text="In dollars.")
    agree = forms.BooleanField(label="I agree")
    choices = forms.MultipleChoiceField(
        label="Pick", choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
    )


def test_forms_render_labels_hints_and_linked_errors() -> None:
    form = SampleForm(data={"amount": "lots"})
    html = str(form)
    assert (
        '<label class="field__label" for="id_amount">Amount <span class="field__required">(required)</span>'
        in html
    )
    assert 'id="id_amount_helptext"' in html
    assert 'aria-describedby="id_amount_helptext id_amount_error"' in html
    assert 'aria-invalid="true"' in html
    assert '<a href="#id_amount">Amount: Enter a number.</a>' in html
    assert "<legend" in html  # the checkbox group is a fieldset with a legend
    assert '<label for="id_agree">I agree' in html


def test_a_valid_form_has_no_error_summary() -> None:
    html = str(SampleForm())
    assert "error-summary" not in html
    assert 'aria-describedby="id_amount_helptext"' in html


def test_add_service_errors_places_errors_on_fields_or_on_top() -> None:
    form = SampleForm(data={"amount": "1", "agree": "on", "choices": ["a"]})
    assert form.is_valid()
    add_service_errors(form, ValidationError({"amount": "Over the cap.", "elsewhere": "Round closed."}))
    assert form.errors["amount"] == ["Over the cap."]
    assert form.non_field_errors() == ["Round closed."]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_mail_is_sent_only_after_commit() -> None:
    user = UserFactory()

    def send_then_fail() -> None:
        with transaction.atomic():
            send_templated_mail_on_commit(
                template="accounts/email/verify_email",
                context={"user": user, "link": "x", "days": 3},
                recipients=[user.email],
                subject="Rolled back",
            )
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        send_then_fail()
    assert mail.outbox == []
    with transaction.atomic():
        send_templated_mail_on_commit(
            template="accounts/email/verify_email",
            context={"user": user, "link": "https://x.test/v/", "days": 3},
            recipients=[user.email],
            subject="Committed",
        )
        assert mail.outbox == []
    assert [message.subject for message in mail.outbox] == ["Committed"]
    assert "https://x.test/v/" in mail.outbox[0].body


def test_pagination_links_keep_every_filter_value(rf) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string

    request = rf.get("/review/", {"status": ["submitted", "in_review"], "page": "2"})
    request.user = AnonymousUser()
    page = Paginator(list(range(100)), 10).get_page(2)
    html = render_to_string("components/pagination.html", {"page": page}, request=request)
    assert 'href="?status=submitted&amp;status=in_review&amp;page=3"' in html
    assert 'href="?status=submitted&amp;status=in_review&amp;page=1"' in html
