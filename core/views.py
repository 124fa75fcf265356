"""What the HTML pages of every app share: the signed-in user, the data a form is bound to, calling a
service from a form or from a button, the form-backed POST action, and private downloads.

A service refuses with a ValidationError (bad input), a NotAllowed (the caller may not: a 403 page) or
another ApplicationError such as a Conflict (a stale form, a repeated action). Behind a form the refusal
goes on the form (`attempt`); behind a button it becomes an error message (`call_with_message`). Pages
of rows use core.pagination.paginate.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.utils.datastructures import MultiValueDict

from core.exceptions import ApplicationError, NotAllowed
from core.forms import add_service_errors

if TYPE_CHECKING:
    # django-stubs' name for AUTH_USER_MODEL: core names no app's model, yet callers get the real type.
    from django.contrib.auth.models import _User

Message = str | Callable[[Any], str]
ResponseT = TypeVar("ResponseT", bound=HttpResponseBase)


def signed_in_user(request: HttpRequest) -> "_User":
    """The signed-in caller: every page that uses it sits behind the sign-in middleware."""
    return cast("_User", request.user)


def posted(request: HttpRequest) -> Any:
    """The form data of a POST, even an empty one (an unticked box sends nothing); None for a GET."""
    return request.POST if request.method == "POST" else None


def posted_files(request: HttpRequest) -> MultiValueDict[str, Any] | None:
    """The uploaded files of a POST; None for a GET."""
    return request.FILES if request.method == "POST" else None


def attempt(
    form: Any, service: Callable[..., Any], /, *, field_names: dict[str, str] | None = None, **kwargs: Any
) -> tuple[bool, Any]:
    """Call a service behind a form: (True, its result), or (False, None) with its ValidationError or
    Conflict on the form (`field_names` maps the service's field names to the form's). A NotAllowed
    becomes a 403."""
    try:
        return True, service(**kwargs)
    except ValidationError as error:
        add_service_errors(form, error, field_names)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        form.add_error(None, error.message)
    return False, None


def call_with_message(
    request: HttpRequest,
    service: Callable[..., Any],
    /,
    *,
    forbidden_as_message: bool = False,
    **kwargs: Any,
) -> tuple[bool, Any]:
    """Call a service for a one-button action: (True, its result), or (False, None) with the refusal as
    an error message; nothing changed. A NotAllowed is a 403, unless `forbidden_as_message` (the page
    checked the role already, and the refusal is a rule the caller can read, such as maker-checker)."""
    try:
        return True, service(**kwargs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except NotAllowed as error:
        if not forbidden_as_message:
            raise PermissionDenied(error.message) from error
        messages.error(request, error.message)
    except ApplicationError as error:
        messages.error(request, error.message)
    return False, None


def _said(message: Message, result: Any) -> str:
    return message(result) if callable(message) else message


def form_action(
    request: HttpRequest,
    form: Any,
    action: Callable[[], Any],
    *,
    success: Message,
    then: HttpResponse | Callable[[Any], HttpResponse],
    otherwise: Callable[[], HttpResponse],
    field_names: dict[str, str] | None = None,
) -> HttpResponse:
    """The form-backed action. On a POST whose form is valid, `action()` calls the service (through
    `attempt`, so a refusal goes on the form); when it is done, the `success` message (or
    `success(result)`) is flashed and `then` (or `then(result)`) answers, usually a redirect. Otherwise
    `otherwise()` shows the page again with the bound form: a GET, an invalid form, or a refusal."""
    if request.method == "POST" and form.is_valid():
        done, result = attempt(form, action, field_names=field_names)
        if done:
            messages.success(request, _said(success, result))
            return then(result) if callable(then) else then
    return otherwise()


def button_action(
    request: HttpRequest,
    service: Callable[..., Any],
    /,
    *,
    success: Message,
    then: HttpResponse,
    forbidden_as_message: bool = False,
    **kwargs: Any,
) -> HttpResponse:
    """A one-button action: call the service (`call_with_message`), flash `success` when it is done, and
    answer `then` either way (the refusal is an error message on the page it leads to)."""
    done, result = call_with_message(request, service, forbidden_as_message=forbidden_as_message, **kwargs)
    if done:
        messages.success(request, _said(success, result))
    return then


def keep_private(response: ResponseT) -> ResponseT:
    """A response for the caller's eyes only: no shared cache keeps it, no browser guesses its type."""
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def private_download(stored: Any, *, filename: str, content_type: str) -> FileResponse:
    """A stored file (a FieldFile) as a private attachment, never from a public URL; a 404 when the file
    is missing from storage."""
    try:
        handle = stored.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return keep_private(
        FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    )
