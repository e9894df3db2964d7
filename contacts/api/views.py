"""Contacts API: CRUD with keyset pages, bulk actions, export, file import and group grab."""
import csv
import json

from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts.permissions import bulk_read_rows
from accounts.tenancy_api import WorkspaceAPIView, WorkspaceViewSet
from common.cells import Echo, safe_cell
from config.errors import ERRORS, ErrorSerializer, UserError
from devices.models import Device

from .. import bulk, exporting, grab, selectors, services
from ..importing import jobs
from ..models import Contact, ImportJob, reject_text
from .serializers import (
    BulkResultSerializer,
    BulkSerializer,
    ContactPageSerializer,
    ContactSerializer,
    GroupGrabSerializer,
    GroupListSerializer,
    ImportJobSerializer,
    ImportStartSerializer,
    ImportUploadSerializer,
)

PAGE_SIZE = 50
TAG = ["contacts"]
# The list filters (selectors.ContactFilters.from_params), shared by the list and the export.
FILTER_PARAMS = [
    OpenApiParameter("q", str, description="phone or name contains"),
    OpenApiParameter("tag", {"type": "array", "items": {"type": "string"}},
                     description='repeat the key or write "VIP, Lead"'),
    OpenApiParameter("match", str, enum=["any", "all"], description="any tag (default) or all of them"),
    OpenApiParameter("opted_out", bool),
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@extend_schema_view(
    list=extend_schema(tags=TAG, parameters=[
        *FILTER_PARAMS,
        OpenApiParameter("cursor", int, description="next_cursor of the previous page"),
        OpenApiParameter("page_size", int, description="1-500, default 50")],
        responses={200: ContactPageSerializer, **ERRORS}),
    create=extend_schema(tags=TAG, responses={201: ContactSerializer, **ERRORS}),
    retrieve=extend_schema(tags=TAG, responses={200: ContactSerializer, **ERRORS}),
    # PUT takes any subset of the fields, like PATCH.
    update=extend_schema(tags=TAG, request=ContactSerializer(partial=True),
                         responses={200: ContactSerializer, **ERRORS}),
    partial_update=extend_schema(tags=TAG, responses={200: ContactSerializer, **ERRORS}),
    destroy=extend_schema(tags=TAG, responses={204: None, **ERRORS}),
)
class ContactViewSet(WorkspaceViewSet):
    """`GET /api/contacts?q=&tag=VIP&tag=Lead&match=all&opted_out=false&cursor=<id>`; cursor pages."""

    model = Contact
    queryset = Contact.objects.none()  # for the schema only; get_queryset() scopes to the workspace
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
        cap = bulk_read_rows(request.membership, "contacts:export")
        if cap is not None:
            if cursor:
                raise PermissionDenied(_("Agents see the first %(n)s matches of a list; search to narrow it.")
                                       % {"n": cap})
            size = min(size, cap)
        rows, next_cursor = selectors.contact_page(qs, cursor=cursor, size=size)
        if cap is not None:
            next_cursor = None
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
                services.contact_opt_out(contact=contact, by=request.user)
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

    @extend_schema(tags=TAG, summary="Tag, untag or delete contacts by id or by the list filter",
                   request=BulkSerializer, responses={200: BulkResultSerializer, **ERRORS})
    def post(self, request):
        serializer = BulkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        if "ids" in d:
            picked = {"ids": d["ids"]}
        elif "filter" not in d:
            picked = {}  # neither: the service says what to give
        else:
            query = QueryDict(mutable=True)
            for key, value in d["filter"].items():
                query.setlist(key, value if isinstance(value, list) else [value])
            picked = {"filters": selectors.ContactFilters.from_params(query)}
        n = bulk.contacts_bulk(workspace=request.workspace, membership=request.membership, action=d["action"],
                               tags=d.get("tags", ()), **picked)
        return Response({"action": d["action"], "affected": n})


class ContactExportView(WorkspaceAPIView):
    """`GET /api/contacts/export?type=csv|xlsx&<list filters>`: the current filter as a file."""

    permission_read = "contacts:export"

    @extend_schema(tags=TAG, summary="The contacts matching the list filter, as CSV (default) or Excel",
                   parameters=[OpenApiParameter("type", str, enum=["csv", "xlsx"]), *FILTER_PARAMS],
                   responses={(200, "text/csv"): OpenApiTypes.STR, (200, XLSX): OpenApiTypes.BINARY, **ERRORS})
    def get(self, request):
        qs = selectors.contact_list(workspace=request.workspace,
                                    filters=selectors.ContactFilters.from_params(request.query_params))
        return exporting.contacts_export(workspace=request.workspace, qs=qs, kind=request.query_params.get("type"))


def _json_field(request, name):
    value = request.data.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, (list, dict)):
        return value
    try:
        return json.loads(value)
    except (ValueError, RecursionError):
        raise UserError(_("%(name)s must be JSON, e.g. [\"phone\", \"name\"] or {\"No HP\": \"phone\"}.")
                        % {"name": name}, fields={name: _("Invalid JSON.")})


def _tags_field(request):
    if hasattr(request.data, "getlist"):
        values = request.data.getlist("tags")
        return [t for v in values for t in str(v).split(",")]
    return request.data.get("tags") or []


class ContactUploadView(WorkspaceAPIView):
    """`POST /api/contacts/upload` (multipart: file, tags, source, mapping?, start?).

    The request only stores the file; a worker reads it (status "reading"), guesses the columns where no
    mapping was given, and starts the import, unless `start=false`: then the job waits in "mapping" so a
    client can show the columns first and start with `POST /api/contacts/imports/<id>`. A file that cannot
    be read ends "failed" with the reason in `error`; a mapping that does not fit waits in "mapping" with it.
    Answers 202 with the job to poll, or 201 when it is already done or waiting for its mapping (eager
    workers).
    """

    permission_read = "contacts:edit"
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def initial(self, request, *args, **kwargs):
        # The size first: a session login's CSRF check, during authentication, already reads the body.
        if request.method == "POST":
            jobs.upload_length_check(request.META.get("CONTENT_LENGTH"))
        super().initial(request, *args, **kwargs)

    @extend_schema(tags=TAG, summary="Upload a CSV or Excel file to import",
                   request={"multipart/form-data": ImportUploadSerializer},
                   responses={201: ImportJobSerializer, 202: ImportJobSerializer, **ERRORS})
    def post(self, request):
        start = str(request.data.get("start", "true")).lower() not in ("false", "0", "no")
        job = jobs.import_create(workspace=request.workspace, user=request.user, upload=request.FILES.get("file"),
                                 tags=_tags_field(request), source=request.data.get("source", ""),
                                 mapping=_json_field(request, "mapping"), start=start)
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

    @extend_schema(tags=TAG, summary="An import's status and report", responses={200: ImportJobSerializer, **ERRORS})
    def get(self, request, public_id):
        return Response(ImportJobSerializer(self.get_job(request, public_id)).data)

    @extend_schema(tags=TAG, summary="Start an import waiting for its mapping, or resume a failed one",
                   request=ImportStartSerializer,
                   responses={200: ImportJobSerializer, 202: ImportJobSerializer, 409: ErrorSerializer, **ERRORS})
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
    """The rows an import did not take, as CSV: row, value, reason (in the reader's language), code (stable,
    from contacts/importing/reasons.py; empty for rows rejected before codes existed)."""
    writer = csv.writer(Echo())
    # The body streams after the view returns: keep the language of the request that asked for it.
    language = translation.get_language()

    def body():
        yield "\ufeff" + writer.writerow(["row", "value", "reason", "code"])
        rows = job.rejects.order_by("row_number").values_list("row_number", "value", "code", "params", "reason")
        for number, value, code, params, reason in rows.iterator(chunk_size=2000):
            with translation.override(language):  # not across the yield: the server's own code runs there
                text = reject_text(code, params, reason)
            yield writer.writerow([number, safe_cell(value), safe_cell(text), code])

    response = StreamingHttpResponse(body(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rejected-rows-{job.public_id}.csv"'
    return response


class ImportRejectsView(ImportJobView):
    """`GET /api/contacts/imports/<id>/rejects`: the rejected rows as CSV."""

    http_method_names = ["get", "options"]
    permission_read = "contacts:edit"  # a file of rows: owners only (accounts.permissions.bulk_read_rows)

    @extend_schema(tags=TAG, summary="The rows an import did not take, as CSV",
                   responses={(200, "text/csv"): OpenApiTypes.STR, **ERRORS})
    def get(self, request, public_id):
        return rejects_csv(self.get_job(request, public_id))


def _device(request, session):
    if not session:
        raise UserError(_("Choose a device."), fields={"device": _("Required.")})
    device = Device.objects.for_workspace(request.workspace).filter(session_name=session).first()
    if device is None:
        raise Http404
    return device


class GroupListView(WorkspaceAPIView):
    """`GET /api/contacts/groups?device=<session>`: the device's groups (id, name, size)."""

    permission_read = "contacts:edit"

    @extend_schema(tags=TAG, summary="The WhatsApp groups a device is in",
                   parameters=[OpenApiParameter("device", str, required=True, description="the device's session name")],
                   responses={200: GroupListSerializer, 502: ErrorSerializer, **ERRORS})
    def get(self, request):
        device = _device(request, request.query_params.get("device"))
        return Response({"device": device.session_name, "groups": grab.groups_list(device=device)})


class GroupGrabView(WorkspaceAPIView):
    """`POST /api/contacts/grab {device, group_id, tags?}`: import a group's participants."""

    permission_read = "contacts:edit"

    @extend_schema(tags=TAG, summary="Import a WhatsApp group's participants as contacts",
                   request=GroupGrabSerializer,
                   responses={201: ImportJobSerializer, 202: ImportJobSerializer, 502: ErrorSerializer, **ERRORS})
    def post(self, request):
        device = _device(request, request.data.get("device"))
        tags = request.data.get("tags") or []
        job = grab.grab_create(workspace=request.workspace, user=request.user, device=device,
                               group_id=request.data.get("group_id"), tags=tags)
        job.refresh_from_db()
        return Response(ImportJobSerializer(job).data,
                        status=status.HTTP_201_CREATED if job.is_finished else status.HTTP_202_ACCEPTED)
