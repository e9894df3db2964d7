"""Contact serializers: tags in and out as a list of names (`["VIP", "Lead"]`)."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import bulk
from ..models import Contact, ImportJob


class ContactSerializer(serializers.ModelSerializer):
    tags = serializers.ListField(child=serializers.CharField(max_length=80), required=False, write_only=True)
    phone = serializers.CharField(max_length=40)

    class Meta:
        model = Contact
        fields = ["id", "phone", "name", "tags", "source", "custom_fields", "opted_out", "opted_out_at",
                  "opted_out_reason", "on_whatsapp", "created_at", "updated_at"]
        read_only_fields = ["source", "opted_out_at", "opted_out_reason", "on_whatsapp", "created_at",
                            "updated_at"]

    def validate_custom_fields(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError(_("Expected an object like {\"city\": \"Bandung\"}."))
        return value

    def to_representation(self, instance):
        data = super().to_representation(instance)
        tag_map = self.context.get("tag_map")
        if tag_map is not None and instance.id in tag_map:
            data["tags"] = tag_map[instance.id]
        else:
            data["tags"] = sorted(instance.tags.values_list("name", flat=True))
        return data


class BulkSerializer(serializers.Serializer):
    ACTIONS = list(bulk.ACTIONS)
    action = serializers.ChoiceField(choices=ACTIONS)
    ids = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=10_000)
    filter = serializers.DictField(required=False, help_text=_("q, tag (list), match (any/all), opted_out"))
    tags = serializers.ListField(child=serializers.CharField(max_length=80), required=False)
    # What makes a request valid (a selection, a tag to add) is decided once, in contacts.bulk.


class ContactPageSerializer(serializers.Serializer):
    """`GET /api/contacts`: a keyset page (pass `next_cursor` back as `?cursor=`)."""

    count = serializers.IntegerField()
    count_capped = serializers.BooleanField(help_text="true when count stopped at the cap: there are more")
    next_cursor = serializers.IntegerField(allow_null=True)
    results = ContactSerializer(many=True)


class BulkResultSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=BulkSerializer.ACTIONS)
    affected = serializers.IntegerField()


class ImportReportSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    skipped_duplicate = serializers.IntegerField()
    rejected = serializers.IntegerField()
    left_out_plan_limit = serializers.IntegerField()
    hidden_by_whatsapp = serializers.IntegerField()


class ImportUploadSerializer(serializers.Serializer):
    """`POST /api/contacts/upload` (multipart); read by the view field by field, described here for the schema."""

    file = serializers.FileField(help_text="CSV or Excel (.xlsx), at most 200 MB")
    tags = serializers.ListField(child=serializers.CharField(), required=False,
                                 help_text='tags for every imported contact; repeat the key or write "VIP, Lead"')
    source = serializers.CharField(required=False, allow_blank=True)
    mapping = serializers.JSONField(required=False, help_text='JSON: ["phone", "name"] or {"No HP": "phone"}; '
                                                              "default: guessed from the headers")
    start = serializers.BooleanField(required=False, default=True,
                                     help_text="false stops after the guess so the mapping can be shown first")


class ImportStartSerializer(serializers.Serializer):
    """`POST /api/contacts/imports/<id>`: all optional; a failed job resumes and ignores them."""

    mapping = serializers.JSONField(required=False)
    tags = serializers.ListField(child=serializers.CharField(), required=False)
    source = serializers.CharField(required=False, allow_blank=True)


class GroupSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="WhatsApp group id, ends in @g.us")
    name = serializers.CharField(allow_null=True)
    size = serializers.IntegerField(allow_null=True)


class GroupListSerializer(serializers.Serializer):
    device = serializers.CharField(help_text="the device's session name")
    groups = GroupSerializer(many=True, help_text="biggest first")


class GroupGrabSerializer(serializers.Serializer):
    device = serializers.CharField(help_text="the device's session name")
    group_id = serializers.CharField(help_text="from GET /api/contacts/groups")
    tags = serializers.ListField(child=serializers.CharField(), required=False)


class ImportJobSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    percent = serializers.IntegerField(read_only=True)
    report = serializers.SerializerMethodField()
    rejects_url = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = ["id", "kind", "original_name", "status", "error", "headers", "mapping", "tags", "source",
                  "total_rows", "last_row", "percent", "report", "rejects_url", "created_at", "finished_at"]

    @extend_schema_field(ImportReportSerializer)
    def get_report(self, job):
        return {"created": job.created_count, "updated": job.updated_count,
                "skipped_duplicate": job.duplicate_count, "rejected": job.rejected_count,
                "left_out_plan_limit": job.over_limit_count, "hidden_by_whatsapp": job.hidden_count}

    @extend_schema_field(str)
    def get_rejects_url(self, job):
        from django.urls import reverse

        return reverse("api:contact-import-rejects", kwargs={"public_id": job.public_id})
