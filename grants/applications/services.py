"""Every write to applications. One service per transition; each locks the application row, checks the
transition table and the caller's permission, changes the status, writes an ApplicationEvent, and
schedules mail, notices and letters after commit.

Lock order: application, then program, then the program's budget (the ledger services take the last).
Writers of different applications do not wait for each other: each locks its own application row, and
holds its program, credential and round only in key-share mode (see `lock_application`); an approval takes the
budget before it counts awards (see `application_approve`).

The services, split by what they do (import them from here: `from grants.applications import services`):

- profiles: worker_profile_save, demographics_save
- filing: application_create, application_create_key_save, application_update, assess,
  application_submit, application_withdraw, application_document_add, priority_for
- review: application_assign, application_begin_review, conflict_declare, review_submit,
  staff_comment_add
- decisions: application_request_info, application_respond, application_approve, application_reject,
  approve_top_ranked
- employer (grants.applications.employer): an employer filing for an employee
- workflow: the steps they all take (the application's lock, its moves, the applicant's notices)
"""

from grants.applications.decisions import (
    application_approve,
    application_reject,
    application_request_info,
    application_respond,
    approve_top_ranked,
)
from grants.applications.filing import (
    application_create,
    application_create_key_save,
    application_document_add,
    application_submit,
    application_update,
    application_withdraw,
    assess,
    priority_for,
)
from grants.applications.profiles import DEMOGRAPHIC_ANSWERS, demographics_save, worker_profile_save
from grants.applications.review import (
    application_assign,
    application_begin_review,
    conflict_declare,
    review_submit,
    staff_comment_add,
)

__all__ = [
    "DEMOGRAPHIC_ANSWERS",
    "application_approve",
    "application_assign",
    "application_begin_review",
    "application_create",
    "application_create_key_save",
    "application_document_add",
    "application_reject",
    "application_request_info",
    "application_respond",
    "application_submit",
    "application_update",
    "application_withdraw",
    "approve_top_ranked",
    "assess",
    "conflict_declare",
    "demographics_save",
    "priority_for",
    "review_submit",
    "staff_comment_add",
    "worker_profile_save",
]
