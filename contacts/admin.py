"""Operators' admin for contacts: browse every tenant's contacts, imports, and import/export files.

django-import-export's `ContactResource` reads and writes `workspace` (id), phone, name, source, tags
(comma-separated names) and custom fields; phones are normalised on the way in with the workspace's
region, and rows are matched on (workspace, phone), so re-importing an export updates instead of
duplicating. Tags resolve inside the row's workspace, never across tenants.
"""
from django.contrib import admin
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from import_export.admin import ImportExportModelAdmin

from accounts.models import Workspace
from common.admin_cells import cut, when
from common.phones import normalize

from .models import Contact, ContactSettings, ImportJob, ImportReject, Tag
from .services import contacts_tag


class ContactResource(resources.ModelResource):
    tags = fields.Field(column_name="tags", attribute=None)

    class Meta:
        model = Contact
        fields = ("id", "workspace", "phone", "name", "source", "custom_fields", "opted_out", "opted_out_reason",
                  "created_at", "tags")
        import_id_fields = ("workspace", "phone")
        skip_unchanged = True

    def iter_queryset(self, queryset):
        # Tags come with each chunk of contacts (one query per 2,000), not one query per exported row.
        # import-export pages with OFFSET when it sees prefetch_related; Django's iterator() prefetches
        # per chunk itself and keeps streaming.
        if isinstance(queryset, QuerySet):
            yield from queryset.prefetch_related("tags").iterator(chunk_size=2000)
        else:
            yield from queryset

    def dehydrate_tags(self, contact):
        return ", ".join(sorted(tag.name for tag in contact.tags.all()))

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._workspaces = {}  # read once per workspace of the file, not once per row

    def _workspace(self, pk):
        if pk not in self._workspaces:
            self._workspaces[pk] = Workspace.objects.filter(pk=pk).first()
        return self._workspaces[pk]

    def before_import_row(self, row, **kwargs):
        if row.get("phone"):
            workspace = self._workspace(row.get("workspace"))
            row["phone"] = normalize(row["phone"], (workspace.default_region if workspace else "") or "ID")

    def after_save_instance(self, instance, row, **kwargs):
        if kwargs.get("dry_run"):
            return
        # Adds the row's tags (resolved in the contact's workspace) and keeps the ones it has.
        contacts_tag(workspace=self._workspace(instance.workspace_id) or instance.workspace,
                     contacts=Contact.objects.filter(pk=instance.pk), names=row.get("tags") or "")


@admin.register(Contact)
class ContactAdmin(ImportExportModelAdmin):
    resource_classes = [ContactResource]
    list_display = ["phone", "short_name", "workspace_name", "short_source", "opted_out", "created"]
    list_filter = ["opted_out", "source"]
    search_fields = ["phone", "name"]
    raw_id_fields = ["workspace"]
    list_select_related = ["workspace"]
    short_name = cut("name", _("Name"))
    workspace_name = cut("workspace__name", _("Workspace"))
    short_source = cut("source", _("Source"), chars=20)
    created = when("created_at", _("Created"))
    show_full_result_count = False  # a COUNT(*) over millions of rows on every admin page is too slow


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["short_name", "workspace_name", "created"]
    search_fields = ["name"]
    raw_id_fields = ["workspace"]
    list_select_related = ["workspace"]
    short_name = cut("name", _("Name"), chars=40)
    workspace_name = cut("workspace__name", _("Workspace"))
    created = when("created_at", _("Created"))


class ImportRejectInline(admin.TabularInline):
    model = ImportReject
    extra = 0
    max_num = 0
    fields = readonly_fields = ["row_number", "value", "code", "why"]

    @admin.display(description=_("Reason"))
    def why(self, obj):
        return obj.text


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["file_name", "workspace_name", "kind", "status", "rows", "created"]
    list_display_links = ["file_name"]
    list_filter = ["status", "kind"]
    list_select_related = ["workspace"]
    file_name = cut("original_name", _("File"))
    workspace_name = cut("workspace__name", _("Workspace"))
    created = when("created_at", _("Created"))
    raw_id_fields = ["workspace", "created_by"]
    readonly_fields = ["public_id", "last_row", "total_rows"]

    @admin.display(description=_("New / updated / rejected"))
    def rows(self, obj):
        return f"{obj.created_count} / {obj.updated_count} / {obj.rejected_count}"


@admin.register(ContactSettings)
class ContactSettingsAdmin(admin.ModelAdmin):
    list_display = ["workspace_name", "__str__"]
    raw_id_fields = ["workspace"]
    list_select_related = ["workspace"]
    workspace_name = cut("workspace__name", _("Workspace"), chars=40)
