"""The reports API's answers. Every count is {"value": n, "suppressed": false} or
{"value": null, "suppressed": true}: a suppressed count carries no value at all. Rates and other figures
(medians, costs) have the same shape; an undefined rate (nothing to divide by) is
{"value": null, "suppressed": false}. Money is a decimal string; amounts are in `budget.currency`, or in
several currencies when `budget.mixed_currencies` is true (then not comparable)."""

from typing import Any

from rest_framework import serializers

from core.serializers import Serializer
from core.suppression import Cell, ImpactRatio, RateCell
from reporting.published import Figure


def count(cell: Cell) -> dict[str, Any]:
    return {"value": None if cell.suppressed else cell.value, "suppressed": cell.suppressed}


def rate(cell: RateCell) -> dict[str, Any]:
    return {"value": None if cell.suppressed else cell.value, "suppressed": cell.suppressed}


def figure(value: Figure) -> dict[str, Any]:
    return {"value": None if value.suppressed else value.value, "suppressed": value.suppressed}


def impact(ratio: ImpactRatio | None) -> dict[str, Any] | None:
    if ratio is None:
        return None
    return {
        "value": None if ratio.suppressed else ratio.value,
        "suppressed": ratio.suppressed,
        "flagged": ratio.flagged,
    }


class ReportCountSerializer(Serializer):
    value = serializers.IntegerField(allow_null=True, help_text="null when suppressed")
    suppressed = serializers.BooleanField()


class ReportRateSerializer(Serializer):
    value = serializers.DecimalField(
        max_digits=7,
        decimal_places=3,
        allow_null=True,
        help_text="A fraction (0.250 is 25%); null when suppressed or undefined",
    )
    suppressed = serializers.BooleanField()


class ReportFigureSerializer(Serializer):
    value = serializers.DecimalField(
        max_digits=16, decimal_places=2, allow_null=True, help_text="null when suppressed or undefined"
    )
    suppressed = serializers.BooleanField()


class ReportImpactRatioSerializer(Serializer):
    value = serializers.DecimalField(max_digits=7, decimal_places=3, allow_null=True)
    suppressed = serializers.BooleanField()
    flagged = serializers.BooleanField(
        help_text="Below four-fifths (0.8) of the highest group's approval rate"
    )


class ReportSuppressionSerializer(Serializer):
    threshold = serializers.IntegerField()
    note = serializers.CharField()


class ReportFiltersSerializer(Serializer):
    programs = serializers.ListField(child=serializers.IntegerField(), help_text="Empty: every program")
    funding_round = serializers.IntegerField(allow_null=True)
    date_from = serializers.DateField(allow_null=True)
    date_to = serializers.DateField(allow_null=True)
    region = serializers.CharField(allow_blank=True)
    sector = serializers.CharField(allow_blank=True)
    credential = serializers.IntegerField(allow_null=True)


class ReportBudgetSerializer(Serializer):
    currency = serializers.CharField(allow_blank=True, help_text="Empty when the budgets mix currencies")
    currencies = serializers.ListField(child=serializers.CharField())
    mixed_currencies = serializers.BooleanField()
    follows_programs_only = serializers.BooleanField(
        help_text="True when filters other than programs are set: a budget is not split by them"
    )
    total = serializers.DecimalField(max_digits=16, decimal_places=2)
    committed = serializers.DecimalField(max_digits=16, decimal_places=2)
    disbursed = serializers.DecimalField(max_digits=16, decimal_places=2)
    clawed_back = serializers.DecimalField(max_digits=16, decimal_places=2)
    remaining = serializers.DecimalField(max_digits=16, decimal_places=2)
    burn_per_30_days = serializers.DecimalField(max_digits=16, decimal_places=2)
    runs_out_on = serializers.DateField(allow_null=True)


class ReportStatusCountSerializer(Serializer):
    status = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    count = ReportCountSerializer()


class ReportApplicationsSerializer(Serializer):
    by_status = ReportStatusCountSerializer(many=True)
    submitted = ReportCountSerializer()
    decided = ReportCountSerializer()
    awarded = ReportCountSerializer()
    rejected = ReportCountSerializer()
    completed = ReportCountSerializer()
    ended = ReportCountSerializer()
    approval_rate = ReportRateSerializer()
    completion_rate = ReportRateSerializer()
    attainment_rate = ReportRateSerializer()
    amount_paid = serializers.DecimalField(max_digits=16, decimal_places=2)
    amount_recovered = serializers.DecimalField(max_digits=16, decimal_places=2)
    cost_per_credential = ReportFigureSerializer()
    days_to_decision_median = ReportFigureSerializer()
    days_to_decision_p90 = ReportFigureSerializer()


class ReportOutcomesSerializer(Serializer):
    answered_q2 = ReportCountSerializer()
    employed_q2 = ReportCountSerializer()
    employed_rate_q2 = ReportRateSerializer()
    answered_q4 = ReportCountSerializer()
    employed_q4 = ReportCountSerializer()
    employed_rate_q4 = ReportRateSerializer()
    median_wage_q2 = ReportFigureSerializer()
    median_wage_q4 = ReportFigureSerializer()
    wage_change = ReportFigureSerializer()


class ReportPledgesSerializer(Serializer):
    active = ReportCountSerializer()
    fulfilled = ReportCountSerializer()
    lapsed = ReportCountSerializer()
    roles_converted_target = ReportCountSerializer()
    roles_converted_verified = ReportCountSerializer()
    hires_target = ReportCountSerializer()
    hires_verified = ReportCountSerializer()
    non_degree_hires_target = ReportCountSerializer()
    non_degree_hires_verified = ReportCountSerializer()


# What every report answers with first: its filters, the suppression rule and when it was added up. (No
# docstring: the schema would give it to each report that builds on it.)
class ReportHeadingSerializer(Serializer):
    filters = ReportFiltersSerializer()
    suppression = ReportSuppressionSerializer()
    as_of = serializers.DateTimeField(
        allow_null=True,
        help_text="When the figures were added up, for a large system read from the report summaries "
        "(rebuilt every few minutes); null: computed now.",
    )


class SummarySerializer(ReportHeadingSerializer):
    budget = ReportBudgetSerializer()
    applications = ReportApplicationsSerializer()
    outcomes = ReportOutcomesSerializer()
    pledges = ReportPledgesSerializer()


class OutcomeReportSerializer(ReportHeadingSerializer):
    outcomes = ReportOutcomesSerializer()


class ReportMeasureCountsSerializer(Serializer):
    submitted = ReportCountSerializer()
    decided = ReportCountSerializer()
    awarded = ReportCountSerializer()
    completed = ReportCountSerializer()
    employed_q2 = ReportCountSerializer()


class ReportEquityGroupSerializer(Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    counts = ReportMeasureCountsSerializer()
    approval_rate = ReportRateSerializer()
    completion_rate = ReportRateSerializer()
    impact_ratio = ReportImpactRatioSerializer(
        allow_null=True, help_text="null for the group of those who did not answer: it is not compared"
    )


class ReportEquityDimensionSerializer(Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    flagged = serializers.ListField(child=serializers.CharField(), help_text="Keys of the flagged groups")
    groups = ReportEquityGroupSerializer(many=True)
    totals = ReportMeasureCountsSerializer()


class EquityReportSerializer(ReportHeadingSerializer):
    dimensions = ReportEquityDimensionSerializer(many=True)
