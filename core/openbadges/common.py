"""What a verification returns (``Verdict``, its named ``Check`` results, ``ExpectedAchievement``), the
``BadgeError`` a check reports, and the text and date helpers the other modules share."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

CHECK_NAMES = ("format", "structure", "issuer", "signature", "validity", "recipient", "achievement")


class BadgeError(Exception):
    """Something in a badge that a check reports; never escapes ``verify_badge``."""


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "detail": self.detail}


@dataclass(frozen=True)
class Verdict:
    verified: bool
    checks: tuple[Check, ...]
    proof_format: str  # "jwt" | "data_integrity" | "unknown"
    credential: dict[str, Any] | None
    issuer_id: str
    achievement: dict[str, Any] | None

    @property
    def failing(self) -> Check | None:
        """The first check that failed, or None when the badge is verified."""
        return next((check for check in self.checks if not check.passed), None)

    def check(self, name: str) -> Check | None:
        return next((check for check in self.checks if check.name == name), None)

    def as_dict(self) -> dict[str, Any]:
        """What to store on a claim: the checks and a short summary, not the whole (maybe large) badge."""
        achievement = self.achievement or {}
        credential = self.credential or {}
        failing = self.failing
        return {
            "verified": self.verified,
            "proof_format": self.proof_format,
            "issuer_id": self.issuer_id,
            "issuer_name": _text(_issuer_name(credential)),
            "credential_id": _text(credential.get("id")),
            "achievement_id": _text(achievement.get("id")),
            "achievement_name": _text(achievement.get("name")),
            "failing_check": failing.name if failing else "",
            "checks": [check.as_dict() for check in self.checks],
        }


@dataclass(frozen=True)
class ExpectedAchievement:
    """The funded credential a badge must correspond to: achievement ids and/or a Credential Engine CTID."""

    ids: frozenset[str] = frozenset()
    ctid: str = ""


def _text(value: Any, limit: int = 500) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _issuer_name(credential: Mapping[str, Any]) -> Any:
    issuer = credential.get("issuer")
    return issuer.get("name") if isinstance(issuer, Mapping) else ""


def _short(value: Any, limit: int = 120) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _utc_text(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("Use a timezone-aware datetime.")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _numeric_date(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 253402300800:
        return None
    return datetime.fromtimestamp(value, tz=UTC)


def _parse_date(value: Any) -> datetime | None:
    if not isinstance(value, str) or not 10 <= len(value) <= 40:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _show(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
