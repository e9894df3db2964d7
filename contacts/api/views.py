"""Contacts API: CRUD with keyset pages, bulk actions, export, file import and group grab."""
import csv
import json

from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts.tenancy import WorkspaceAPIView, WorkspaceViewSet
from config.errors import UserError

from .. import exporting, grab, selectors, services
from ..importing import jobs
from ..models import Contact, ImportJob
from .serializers import BulkSerializer, ContactSerializer, ImportJobSerializer

PAGE_SIZE = 50


class ContactViewSet(WorkspaceViewSet):
    """`GET /api/contacts?q=&tag=VIP&tag=Lead&match=all&opted_out=false&cursor=<id>`; cursor pages."""

    model = Contact
    serializer_class = ContactSerializer
    permission_read = "contacts:view"
    permission_write = "contacts:edit"
    permission_delete = "contacts:delete"

    def list(self, request):
        filters = selectors.ContactFilters.from_params(request.query_params)
        qs = selectors.contact_list(workspace=request.workspace, filters=filters)
        try:
            cursor = int(request.query_params.get("cursor") or 0) or None
            size = min(max(int(request.query_params.get("page_size") or PAGE_SIZE), 1), 500)
        except ValueError:
            raise UserError(_("cursor and page_size must be whole numbers."))
        rows, next_cursor = selectors.contact_page(qs, cursor=cursor, size=size)
        count, capped = selectors.capped_count(qs)
        data = ContactSerializer(rows, many=True, context={"tag_map": selectors.tags_by_contact(rows)}).data
        return Response({"count": count, "count_capped": capped, "next_cursor": next_cursor, "results": data})

    def create(self, request):
        serializer = ContactSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        contact = services.contact_create(workspace=request.workspace, phone=d["phone"], name=d.get("name", ""),
                                          tags=d.get("tags", []), custom_fields=d.get("custom_fields"),
                                          source="API")
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        contact = self.get_object()
        serializer = ContactSerializer(contact, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        services.contact_update(contact=contact, phone=d.get("phone"), name=d.get("name"),
                                tags=d.get("tags"), custom_fields=d.get("custom_fields"))
        if "opted_out" in d and d["opted_out"] != contact.opted_out:
            if d["opted_out"]:
                services.contact_opt_out(contact=contact, reason=_("Marked by %(user)s") % {"user": request.user})
            else:
                services.contact_opt_in(contact=contact)
        contact.refresh_from_db()
        return Response(ContactSerializer(contact).data)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    def perform_destroy(self, instance):
        services.contact_delete(contact=instance)


class ContactBulkView(WorkspaceAPIView):
    """`POST /api/contacts/bulk {"action": "tag"|"untag"|"delete", "ids": [...] | "filter": {...}, "tags"}`."""

    permission_read = "contacts:edit"
    permission_write = "contacts:edit"

    def permission_for(self, request):
        if request.method == "POST" and isinstance(request.data, dict) and request.data.get("action") == "delete":
            return "contacts:delete"
        return super().permission_for(request)

    def post(self, request):
        serializer = BulkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        ws = request.workspace
        if "ids" in d:
            contacts = Contact.objects.for_workspace(ws).filter(id__in=d["ids"])
        else:
            from django.http import QueryDict

            query = QueryDict(mutable=True)
            for key, value in d["filter"].items():
                query.setlist(key, value if isinstance(value, list) else [value])
            contacts = selectors.contact_list(workspace=ws, filters=selectors.ContactFilters.from_params(query))
        if d["action"] == "tag":
            n = services.contacts_tag(workspace=ws, contacts=contacts, names=d["tags"])
        elif d["action"] == "untag":
            n = services.contacts_untag(workspace=ws, contacts=contacts, names=d["tags"])
        else:
            n = services.contacts_delete(workspace=ws, contacts=contacts)
        return Response({"action": d["action"], "affected": n})


class ContactExportView(WorkspaceAPIView):
    """`GET /api/contacts/export?type=csv|xlsx&<list filters>`: the current filter as a file."""

    permission_read = "contacts:export"

    def get(self, request):
        qs = selectors.contact_list(workspace=request.workspace,
                                    filters=selectors.ContactFilters.from_params(request.query_params))
        name = exporting.export_name(request.workspace)
        if request.query_params.get("type") == "xlsx":
            return exporting.xlsx_response(qs, name)
        return exporting.csv_response(qs, name)


def _json_field(request, name):
    value = request.data.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, (list, dict)):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise UserError(_("%(name)s must be JSON, e.g. [\"phone\", \"name\"] or {\"No HP\": \"phone\"}.")
                        % {"name": name}, fields={name: _("Invalid JSON.")})


def _tags_field(request):
    if hasattr(request.data, "getlist"):
        values = request.data.getlist("tags")
        return [t for v in values for t in str(v).split(",")]
    return request.data.get("tags") or []


class ContactUploadView(WorkspaceAPIView):
    """`POST /api/contacts/upload` (multipart: file, tags, source, mapping?, start?).

    Without a mapping the columns are guessed. `start=false` stops after the guess so a client can show
    the mapping first and start with `POST /api/contacts/imports/<id>`. Answers 201 with the report
    when the import already finished (small files, eager workers), else 202 with the job to poll.
    """

    permission_read = "contacts:edit"
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def post(self, request):
        job = jobs.import_create(workspace=request.workspace, user=request.user, upload=request.FILES.get("file"),
                                 tags=_tags_field(request), source=request.data.get("source", ""),
                                 mapping=_json_field(request, "mapping"))
        if str(request.data.get("start", "true")).lower() not in ("false", "0", "no"):
            jobs.import_start(job=job, mapping=job.mapping)
        job.refresh_from_db()
        code = status.HTTP_201_CREATED if job.is_finished or job.status == ImportJob.Status.MAPPING else \
            status.HTTP_202_ACCEPTED
        return Response(ImportJobSerializer(job).data, status=code)


class ImportJobView(WorkspaceAPIView):
    """`GET /api/contacts/imports/<id>`: status and report; `POST` starts (mapping, tags, source) or
    resumes a failed job."""

    permission_read = "contacts:view"
    permission_write = "contacts:edit"

    def get_job(self, request, public_id):
        return get_object_or_404(ImportJob.objects.for_workspace(request.workspace), public_id=public_id)

    def get(self, request, public_id):
        return Response(ImportJobSerializer(self.get_job(request, public_id)).data)

    def post(self, request, public_id):
        job = self.get_job(request, public_id)
        if job.status == ImportJob.Status.FAILED:
            job = jobs.import_resume(job=job)
        else:
            job = jobs.import_start(job=job, mapping=_json_field(request, "mapping"),
                                    tags=_tags_field(request) if "tags" in request.data else None,
                                    source=request.data.get("source"))
        job.refresh_from_db()
        return Response(ImportJobSerializer(job).data,
                        status=status.HTTP_200_OK if job.is_finished else status.HTTP_202_ACCEPTED)


def rejects_csv(job):
    """The rows an import did not take, as CSV: row, value, reason."""
    writer = csv.writer(exporting._Echo())

    def body():
        yield "\ufeff" + writer.writerow(["row", "value", "reason"])
        for row in job.rejects.order_by("row_number").values_list("row_number", "value", "reason").iterator(
                chunk_size=2000):
            yield writer.writerow([row[0], exporting._safe(row[1]), row[2]])

    response = StreamingHttpResponse(body(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rejected-rows-{job.public_id}.csv"'
    return response


class ImportRejectsView(ImportJobView):
    """`GET /api/contacts/imports/<id>/rejects`: the rejected rows as CSV."""

    http_method_names = ["get", "options"]

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request, public_id):
        return rejects_csv(self.get_job(request, public_id))


def _device(request, session):
    from devices.models import Device

    if not session:
        raise UserError(_("Choose a device."), fields={"device": _("Required.")})
    device = Device.objects.for_workspace(request.workspace).filter(session_name=session).first()
    if device is None:
        raise Http404
    return device


class GroupListView(WorkspaceAPIView):
    """`GET /api/contacts/groups?device=<session>`: the device's groups (id, name, size)."""

    permission_read = "contacts:edit"

    def get(self, request):
        device = _device(request, request.query_params.get("device"))
        return Response({"device": device.session_name, "groups": grab.groups_list(device=device)})


class GroupGrabView(WorkspaceAPIView):
    """`POST /api/contacts/grab {device, group_id, tags?}`: import a group's participants."""

    permission_read = "contacts:edit"

    def post(self, request):
        device = _device(request, request.data.get("device"))
        tags = request.data.get("tags") or []
        job = grab.grab_create(workspace=request.workspace, user=request.user, device=device,
                               group_id=request.data.get("group_id"), tags=tags)
        job.refresh_from_db()
        return Response(ImportJobSerializer(job).data,
                        status=status.HTTP_201_CREATED if job.is_finished else status.HTTP_202_ACCEPTED)
