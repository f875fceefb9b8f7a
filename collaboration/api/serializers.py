from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.models import Municipality, Region

from ..models import Axis, Category, Initiative, Method, PolicyField


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]


class MunicipalitySerializer(serializers.ModelSerializer):
    lg_code = serializers.CharField(help_text="全国地方公共団体コード（6桁）")
    region = RegionSerializer()
    kind = serializers.CharField()

    class Meta:
        model = Municipality
        fields = ["lg_code", "name", "kana", "kind", "region"]


class MethodSerializer(serializers.ModelSerializer):
    class Meta:
        model = Method
        fields = ["id", "name"]


class PolicyFieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = PolicyField
        fields = ["id", "name"]


class CategorySerializer(serializers.ModelSerializer):
    axis = serializers.CharField(source="axis.code")
    main_methods = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Category
        fields = ["code", "label", "name", "axis", "main_methods"]


class AxisSerializer(serializers.ModelSerializer):
    class Meta:
        model = Axis
        fields = ["code", "name"]


class FrameworkSerializer(serializers.Serializer):
    axes = AxisSerializer(many=True)
    categories = CategorySerializer(many=True)
    methods = MethodSerializer(many=True)
    policy_fields = PolicyFieldSerializer(many=True)


class BriefCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["code", "label", "name"]


class ParticipantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Municipality
        fields = ["lg_code", "name"]


class LeadSerializer(serializers.Serializer):
    name = serializers.CharField()
    lg_code = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "nullable": True})
    def get_lg_code(self, organisation):
        return organisation.municipality.lg_code if organisation.municipality_id else None


class InitiativeSerializer(serializers.ModelSerializer):
    """A published initiative; contact persons are never part of it, the lead organisation is."""

    url = serializers.SerializerMethodField()
    category = BriefCategorySerializer()
    methods = MethodSerializer(many=True)
    policy_fields = PolicyFieldSerializer(many=True)
    lead_organisation = LeadSerializer(allow_null=True)
    municipalities = ParticipantSerializer(many=True)
    other_bodies = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    spread_from = serializers.SerializerMethodField()
    published_on = serializers.SerializerMethodField()

    class Meta:
        model = Initiative
        fields = ["id", "url", "title", "summary", "body", "category", "methods",
                  "policy_fields", "lead_organisation", "municipalities", "other_bodies",
                  "scope", "outside_prefecture", "status", "start_year", "end_year", "funding",
                  "outcomes", "indicators", "is_model", "spread_from", "is_demo",
                  "published_on", "updated_at"]

    def get_url(self, initiative) -> str:
        request = self.context.get("request")
        path = initiative.get_absolute_url()
        return request.build_absolute_uri(path) if request else path

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_spread_from(self, initiative):
        # Only a published origin is named (the views annotate it).
        return getattr(initiative, "public_origin", None)

    @extend_schema_field({"type": "string", "format": "date", "nullable": True})
    def get_published_on(self, initiative):
        from django.utils import timezone

        when = initiative.published_at or initiative.created_at
        return timezone.localtime(when).date().isoformat() if when else None
