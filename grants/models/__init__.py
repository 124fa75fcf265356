"""The grants app's models, split by area (one app, one migrations folder, one status table per model):

- people: WorkerProfile, Demographics
- applications: Application and its create keys, events, documents, information requests; reviewer
  assignments, reviews, staff comments, decision letters
- awards: CompletionClaim, Outcome, OutcomeFollowUp
- payments: PaymentBatch, Payment, PaymentEvent, PaymentBatchEvent, Clawback

Import them from here (`from grants.models import Application`)."""

from grants.models.applications import (
    Application,
    ApplicationCreateKey,
    ApplicationDocument,
    ApplicationEvent,
    DecisionLetter,
    InformationRequest,
    Review,
    ReviewAssignment,
    StaffComment,
)
from grants.models.awards import CompletionClaim, Outcome, OutcomeFollowUp
from grants.models.payments import Clawback, Payment, PaymentBatch, PaymentBatchEvent, PaymentEvent
from grants.models.people import Demographics, WorkerProfile

__all__ = [
    "Application",
    "ApplicationCreateKey",
    "ApplicationDocument",
    "ApplicationEvent",
    "Clawback",
    "CompletionClaim",
    "DecisionLetter",
    "Demographics",
    "InformationRequest",
    "Outcome",
    "OutcomeFollowUp",
    "Payment",
    "PaymentBatch",
    "PaymentBatchEvent",
    "PaymentEvent",
    "Review",
    "ReviewAssignment",
    "StaffComment",
    "WorkerProfile",
]
