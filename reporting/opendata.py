"""Open data: every award in the 360Giving Data Standard (JSON package and flat CSV), public at
/open-data/360giving.json and /open-data/360giving.csv.

One record per award (an application approved, whatever happened after: reporting.figures.AWARDED):
- ``id``: ``360G-skillsfund-`` + the application reference (our registered-looking prefix);
- ``title`` and ``description`` from the program and the credential (no applicant text at all);
- ``currency``, ``amountAwarded``, ``amountDisbursed`` (paid less recovered), ``awardDate`` (the decision);
- ``recipientIndividual``: ``{"id": "360G-skillsfund-IND-<hash>", "name": "Individual Recipient"}`` — the
  hash is an HMAC of the applicant's id with the site's secret key (salt ``skillsfund.opendata``), so the
  same person keeps one id across awards and files but the id cannot be traced back without the key (it
  changes if the key is rotated). No names, emails, dates of birth, addresses or demographics are read;
- ``fundingOrganization`` (``OPEN_DATA_FUNDER_ID``, the program's funding agency), ``grantProgramme``
  (the program's code and name), ``plannedDates`` (decision date to the training deadline);
- ``beneficiaryLocation``: the applicant's region at submission, as a name only, when published.

Suppression (core.suppression, threshold REPORTING_SUPPRESSION_THRESHOLD, default 10):
- A program with fewer awards than the threshold is left out entirely (a handful of awards with their
  amounts and dates could point to a person); the package's description says how many awards were left
  out this way, in total only.
- Within each published program, the awards per region are one breakdown suppressed with complementary
  suppression (``suppress_breakdown``): an award whose region's count is suppressed is published without
  ``beneficiaryLocation``, so no region with fewer than the threshold awards can be read from the file, or
  recovered by subtracting the others from the program's total. Awards with no region have no location.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.suppression import suppress_breakdown, threshold_or_default
from grants.models import Application
from reporting.figures import AWARDED

PREFIX = "360G-skillsfund-"
INDIVIDUAL_NAME = "Individual Recipient"
SCHEMA_VERSION = "1.4"
CHUNK = 2000


def funder_id() -> str:
    return str(getattr(settings, "OPEN_DATA_FUNDER_ID", "") or f"{PREFIX}funder")


def anonymous_id(user_id: int) -> str:
    digest = salted_hmac("skillsfund.opendata", str(user_id), algorithm="sha256").hexdigest()[:20]
    return f"{PREFIX}IND-{digest}"


def awards() -> QuerySet[Application]:
    return Application.objects.filter(status__in=AWARDED, decided_at__isnull=False)


@dataclass(frozen=True)
class Publication:
    """Which programs are published, and which (program, region) pairs may carry a location."""

    programs: frozenset[int]
    regions: frozenset[tuple[int, str]]
    withheld_awards: int


def publication(*, threshold: int | None = None) -> Publication:
    """One query: awards per program and region, suppressed per program."""
    limit = threshold_or_default(threshold)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for program_id, region, n in (
        awards().values_list("program_id", "applicant_region").annotate(n=Count("pk")).order_by()
    ):
        counts[program_id][region] = counts[program_id].get(region, 0) + n
    programs: set[int] = set()
    regions: set[tuple[int, str]] = set()
    withheld = 0
    for program_id, by_region in counts.items():
        total = sum(by_region.values())
        if total < limit:
            withheld += total
            continue
        programs.add(program_id)
        breakdown = suppress_breakdown(by_region, threshold=limit)
        regions.update(
            (program_id, region) for region, cell in breakdown.items() if region and not cell.suppressed
        )
    return Publication(frozenset(programs), frozenset(regions), withheld)


FIELDS = (
    "reference",
    "applicant_id",
    "program_id",
    "program__code",
    "program__name",
    "program__funding_agency",
    "program__currency",
    "credential__title",
    "amount_awarded",
    "amount_paid",
    "amount_clawed_back",
    "decided_at",
    "training_deadline",
    "applicant_region",
    "updated_at",
)


def _number(value: Decimal) -> int | float:
    """A JSON number for the standard (a money value with at most two places prints exactly)."""
    return int(value) if value == value.to_integral_value() else float(value)


def _date(value: dt.datetime) -> str:
    return timezone.localtime(value).date().isoformat()


def grant_record(row: dict[str, Any], published: Publication) -> dict[str, Any]:
    program, credential = row["program__name"], row["credential__title"]
    awarded = row["amount_awarded"] or Decimal("0")
    record: dict[str, Any] = {
        "id": PREFIX + row["reference"],
        "title": f"{program}: {credential}"[:140],
        "description": f"A grant to an individual for training towards “{credential}”, under the "
        f"program “{program}”.",
        "currency": row["program__currency"],
        "amountAwarded": _number(awarded),
        "amountDisbursed": _number(row["amount_paid"] - row["amount_clawed_back"]),
        "awardDate": _date(row["decided_at"]),
        "recipientIndividual": {"id": anonymous_id(row["applicant_id"]), "name": INDIVIDUAL_NAME},
        "fundingOrganization": [{"id": funder_id(), "name": row["program__funding_agency"] or "SkillsFund"}],
        "grantProgramme": [{"code": row["program__code"], "title": program}],
        "dateModified": timezone.localtime(row["updated_at"]).isoformat(),
    }
    planned = {"startDate": _date(row["decided_at"])}
    if row["training_deadline"]:
        planned["endDate"] = row["training_deadline"].isoformat()
    record["plannedDates"] = [planned]
    if (row["program_id"], row["applicant_region"]) in published.regions:
        record["beneficiaryLocation"] = [{"name": row["applicant_region"]}]
    return record


def grant_records(*, threshold: int | None = None) -> Iterator[dict[str, Any]]:
    published = publication(threshold=threshold)
    rows = awards().filter(program_id__in=published.programs).order_by("pk").values(*FIELDS)
    for row in rows.iterator(chunk_size=CHUNK):
        yield grant_record(row, published)


def package_header(published: Publication, *, now: dt.datetime | None = None) -> dict[str, Any]:
    moment = now or timezone.now()
    return {
        "version": SCHEMA_VERSION,
        "title": "SkillsFund awards",
        "description": (
            "Every award SkillsFund made to individuals for training, in the 360Giving Data Standard. "
            "Recipients are anonymised. Programs with fewer than "
            f"{threshold_or_default()} awards are left out "
            f"({published.withheld_awards} awards in all), and a region is shown only where enough awards "
            "share it."
        ),
        "issued": _date(moment),
        "publisher": {"name": "SkillsFund", "identifier": funder_id()},
        "license": "https://creativecommons.org/publicdomain/zero/1.0/",
    }


def package_chunks(*, threshold: int | None = None) -> Iterator[str]:
    """The JSON package, piece by piece (constant memory whatever the number of awards)."""
    published = publication(threshold=threshold)
    header = package_header(published)
    yield json.dumps(header, ensure_ascii=False)[:-1] + ', "grants": ['
    rows = awards().filter(program_id__in=published.programs).order_by("pk").values(*FIELDS)
    first = True
    for row in rows.iterator(chunk_size=CHUNK):
        yield ("" if first else ",") + json.dumps(grant_record(row, published), ensure_ascii=False)
        first = False
    yield "]}"


def package(*, threshold: int | None = None) -> dict[str, Any]:
    """The whole package as one object (tests and small data)."""
    return json.loads("".join(package_chunks(threshold=threshold)))


CSV_COLUMNS = (
    ("Identifier", lambda r: r["id"]),
    ("Title", lambda r: r["title"]),
    ("Description", lambda r: r["description"]),
    ("Currency", lambda r: r["currency"]),
    ("Amount Awarded", lambda r: r["amountAwarded"]),
    ("Amount Disbursed", lambda r: r["amountDisbursed"]),
    ("Award Date", lambda r: r["awardDate"]),
    ("Planned Dates:Start Date", lambda r: r["plannedDates"][0]["startDate"]),
    ("Planned Dates:End Date", lambda r: r["plannedDates"][0].get("endDate", "")),
    ("Recipient Ind:Identifier", lambda r: r["recipientIndividual"]["id"]),
    ("Recipient Ind:Name", lambda r: r["recipientIndividual"]["name"]),
    ("Funding Org:Identifier", lambda r: r["fundingOrganization"][0]["id"]),
    ("Funding Org:Name", lambda r: r["fundingOrganization"][0]["name"]),
    ("Grant Programme:Code", lambda r: r["grantProgramme"][0]["code"]),
    ("Grant Programme:Title", lambda r: r["grantProgramme"][0]["title"]),
    ("Beneficiary Location:Name", lambda r: (r.get("beneficiaryLocation") or [{}])[0].get("name", "")),
    ("Last Modified", lambda r: r["dateModified"]),
)


def csv_chunks(*, threshold: int | None = None) -> Iterator[str]:
    """The flat 360Giving CSV (the standard's column titles), line by line; formula-like cells quoted."""
    from reporting.exports import csv_cell

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([title for title, _get in CSV_COLUMNS])
    yield buffer.getvalue()
    for record in grant_records(threshold=threshold):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([csv_cell(get(record)) for _title, get in CSV_COLUMNS])
        yield buffer.getvalue()
