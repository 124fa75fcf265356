from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from core.serializers import DateInput, ModelSerializer, Serializer, Text, WholeNumber
from reporting.exports import export_status
from reporting.models import ExportJob


# A pattern, not an enum: drf-spectacular would name an enum "KindEnum", which other resources' "kind" uses.
@extend_schema_field({"type": "string", "pattern": "^(" + "|".join(ExportJob.Kind.values) + ")$"})
class ExportKindField(serializers.ChoiceField):
    """What an export holds; described inline (other resources have a "kind" enum of their own)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ExportJob.Kind.choices, **kwargs)


ID_MAXIMUM = 2**62  # reporting.exports.parse_filters' bound


class ExportFiltersSerializer(Serializer):
    """The dashboard's filters, typed as the schema states them; reporting.exports.parse_filters then
    checks how they fit together."""

    programs = serializers.ListField(
        child=WholeNumber(min_value=1, max_value=ID_MAXIMUM), max_length=100, required=False
    )
    funding_round = WholeNumber(min_value=1, max_value=ID_MAXIMUM, required=False, allow_null=True)
    date_from = DateInput(required=False, allow_null=True)
    date_to = DateInput(required=False, allow_null=True)
    region = Text(max_length=60, required=False, allow_blank=True)
    sector = Text(max_length=10, required=False, allow_blank=True, help_text="A NAICS code or its prefix.")
    credential = WholeNumber(min_value=1, max_value=ID_MAXIMUM, required=False, allow_null=True)


class ExportJobCreateSerializer(Serializer):
    kind = ExportKindField()
    format = serializers.ChoiceField(choices=ExportJob.Format.choices)
    filters = ExportFiltersSerializer(
        required=False,
        default=dict,
        help_text="The dashboard's filters: programs (list of ids), funding_round, date_from, date_to "
        "(YYYY-MM-DD), region, sector (NAICS prefix), credential.",
    )


class ExportJobSerializer(ModelSerializer):
    kind = ExportKindField(read_only=True)
    status = serializers.SerializerMethodField(
        help_text="queued, running, done or failed (a job that stopped without finishing is failed)."
    )
    percent = serializers.IntegerField(read_only=True, allow_null=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "kind",
            "format",
            "filters",
            "personal",
            "status",
            "rows_done",
            "rows_total",
            "percent",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_status(self, job: ExportJob) -> str:
        return export_status(job)

    def get_download_url(self, job: ExportJob) -> str | None:
        if job.status != ExportJob.Status.DONE:
            return None
        request: Any = self.context.get("request")
        return reverse("api:export-download", kwargs={"pk": job.pk}, request=request)
