"""Pages of the contacts app: list with filters and bulk actions, add/edit, import, group grab, settings.

Thin views: tenancy helper, form, one service call, then a message and a redirect or a partial.
"""
from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import bulk_read_rows, can
from accounts.tenancy import get_for_workspace_or_404
from accounts.tenancy_web import workspace_view
from common.phones import display
from config.errors import UserError
from config.forms import apply_user_error
from devices.models import Device

from . import bulk, exporting, grab, selectors, services
from .api.views import rejects_csv
from .forms import ContactCapForm, ContactForm, GrabForm, OptOutWordsForm, UploadForm, mapping_choices
from .importing import jobs
from .models import Contact, ImportJob
from .panels import panels_for

PAGE_SIZE = 50


def _filters(request):
    return selectors.ContactFilters.from_params(request.GET)


@workspace_view("contacts:view")
@require_GET
def contact_list(request):
    filters = _filters(request)
    qs = selectors.contact_list(workspace=request.workspace, filters=filters)
    try:
        cursor = int(request.GET.get("cursor") or 0) or None
    except ValueError:
        cursor = None
    cap = bulk_read_rows(request.membership, "contacts:export")
    if cap is not None:
        cursor = None
    rows, next_cursor = selectors.contact_page(qs, cursor=cursor, size=min(PAGE_SIZE, cap or PAGE_SIZE))
    if cap is not None:
        next_cursor = None
    tag_map = selectors.tags_by_contact(rows)
    count, capped = selectors.capped_count(qs)
    query = filters.as_query()
    return render(request, "contacts/list.html", {
        "rows": [(c, display(c.phone), tag_map.get(c.id, [])) for c in rows], "filters": filters,
        "count": count, "capped": capped, "query": query, "cursor": cursor, "next_cursor": next_cursor,
        "all_tags": selectors.all_tags(request.workspace),
        "filtered": filters != selectors.ContactFilters(),
        "can_edit": can(request.membership, "contacts:edit"),
        "can_export": can(request.membership, "contacts:export"),
        "can_delete": can(request.membership, "contacts:delete"),
        "imports": selectors.import_jobs(request.workspace, limit=3),
    })


def _form_initial(contact):
    return {"phone": "+" + contact.phone, "name": contact.name,
            "tags": ", ".join(contact.tags.values_list("name", flat=True)),
            "custom_fields": "\n".join(f"{k} = {v}" for k, v in (contact.custom_fields or {}).items())}


def _save_contact(request, form, contact=None):
    d = form.cleaned_data
    try:
        if contact is None:
            contact = services.contact_create(workspace=request.workspace, phone=d["phone"], name=d["name"],
                                              tags=d["tags"], custom_fields=d["custom_fields"])
        else:
            services.contact_update(contact=contact, phone=d["phone"], name=d["name"], tags=d["tags"],
                                    custom_fields=d["custom_fields"])
    except UserError as exc:
        apply_user_error(form, exc)
        return None
    return contact


@workspace_view("contacts:edit")
@require_http_methods(["GET", "POST"])
def contact_create(request):
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact = _save_contact(request, form)
        if contact:
            messages.success(request, _("Contact %(c)s added.") % {"c": contact})
            return redirect("contacts:list")
    return render(request, "contacts/form.html", {"form": form, "contact": None})


@workspace_view("contacts:edit")
@require_http_methods(["GET", "POST"])
def contact_edit(request, pk):
    contact = get_for_workspace_or_404(request, Contact, pk=pk)
    form = ContactForm(request.POST or None, initial=_form_initial(contact))
    if request.method == "POST" and form.is_valid():
        if _save_contact(request, form, contact):
            messages.success(request, _("Contact %(c)s saved.") % {"c": contact})
            return redirect("contacts:list")
    return render(request, "contacts/form.html", {"form": form, "contact": contact, "phone": display(contact.phone),
                                                  "can_delete": can(request.membership, "contacts:delete"),
                                                  "panels": panels_for(request, contact)})


@workspace_view("contacts:edit")
@require_POST
def contact_opt_out(request, pk):
    """Opt a contact out by hand, e.g. when they asked by phone: broadcasts skip them from now on."""
    contact = get_for_workspace_or_404(request, Contact, pk=pk)
    services.contact_opt_out(contact=contact, reason=request.POST.get("reason", "").strip())
    messages.success(request, _("%(c)s will not receive broadcasts any more.") % {"c": contact})
    return redirect("contacts:edit", pk=contact.pk)


@workspace_view("contacts:delete")
@require_POST
def contact_delete(request, pk):
    contact = get_for_workspace_or_404(request, Contact, pk=pk)
    services.contact_delete(contact=contact)
    messages.success(request, _("Contact %(c)s deleted.") % {"c": contact})
    return redirect("contacts:list")


@workspace_view("contacts:edit")
@require_POST
def contact_opt_in(request, pk):
    """Undo an opt-out by hand (owners only: contacts:edit is an owner permission)."""
    contact = get_for_workspace_or_404(request, Contact, pk=pk)
    services.contact_opt_in(contact=contact)
    messages.success(request, _("%(c)s will receive broadcasts again.") % {"c": contact})
    return redirect("contacts:edit", pk=contact.pk)


@workspace_view("contacts:edit")
@require_POST
def contact_bulk(request):
    action = request.POST.get("action")
    query = request.POST.get("query", "")
    back = reverse("contacts:list") + (f"?{query}" if query else "")
    if request.POST.get("scope") == "filter":
        picked = {"filters": selectors.ContactFilters.from_params(QueryDict(query))}
    else:
        picked = {"ids": [int(i) for i in request.POST.getlist("ids") if i.isdigit()]}
    try:
        n = bulk.contacts_bulk(workspace=request.workspace, membership=request.membership, action=action,
                               tags=request.POST.get("tags", ""), **picked)
    except UserError as exc:
        if action not in bulk.ACTIONS:
            return HttpResponseBadRequest(exc.message)
        messages.error(request, exc.message)
        return redirect(back)
    done = {"tag": _("Tagged %(n)s contacts."), "untag": _("Removed the tag from %(n)s contacts."),
            "delete": _("Deleted %(n)s contacts.")}
    messages.success(request, done[action] % {"n": n})
    return redirect(back)


@workspace_view("contacts:export")
@require_GET
def contact_export(request):
    qs = selectors.contact_list(workspace=request.workspace, filters=_filters(request))
    return exporting.contacts_export(workspace=request.workspace, qs=qs, kind=request.GET.get("type"))


@csrf_exempt  # CSRF is checked in _import_upload, after the size: the check itself reads the whole body
@workspace_view("contacts:edit")
@require_http_methods(["GET", "POST"])
def import_upload(request):
    if request.method == "POST":
        try:
            jobs.upload_length_check(request.META.get("CONTENT_LENGTH"))
        except UserError as exc:
            messages.error(request, exc.message)
            return render(request, "contacts/import_upload.html", {
                "form": UploadForm(), "imports": selectors.import_jobs(request.workspace)}, status=exc.status_code)
    return _import_upload(request)


@csrf_protect
def _import_upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            job = jobs.import_create(workspace=request.workspace, user=request.user, upload=d["file"],
                                     tags=d["tags"], source=d["source"])
        except UserError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("contacts:import_detail", public_id=job.public_id)
    return render(request, "contacts/import_upload.html", {
        "form": form, "imports": selectors.import_jobs(request.workspace)})


def _job(request, public_id):
    return get_for_workspace_or_404(request, ImportJob, public_id=public_id)


def _mapping_rows(job, mapping=None):
    mapping = mapping or job.mapping
    choices = mapping_choices(job.headers)
    return [{"index": i, "header": h, "target": mapping[i] if i < len(mapping) else "skip", "choices": choices[i],
             "samples": [r[i] for r in job.preview if i < len(r) and r[i]][:3]} for i, h in enumerate(job.headers)]


@workspace_view("contacts:view")
@require_http_methods(["GET", "POST"])
def import_detail(request, public_id):
    job = _job(request, public_id)
    error = None
    if request.method == "POST":
        if not can(request.membership, "contacts:edit"):
            raise Http404
        mapping = [request.POST.get(f"col{i}", "skip") for i in range(len(job.headers))]
        try:
            jobs.import_start(job=job, mapping=mapping, tags=request.POST.get("tags", ""),
                              source=request.POST.get("source"))
        except UserError as exc:
            error = exc.message
            job.mapping = mapping
        else:
            return redirect("contacts:import_detail", public_id=job.public_id)
    return render(request, "contacts/import_detail.html", {
        "job": job, "mapping_rows": _mapping_rows(job) if job.status == ImportJob.Status.MAPPING else None,
        "error": error or job.error, "tags": ", ".join(job.tags),
        "can_edit": can(request.membership, "contacts:edit")})


@workspace_view("contacts:view")
@require_GET
def import_progress(request, public_id):
    """The progress/report partial; htmx polls it every second while the file is read and the import runs.

    Once the file is read, the page itself changes (the mapping form), so the poll asks htmx to reload it."""
    job = _job(request, public_id)
    if job.status == ImportJob.Status.MAPPING:
        response = render(request, "contacts/_import_read.html", {"job": job})
        response["HX-Refresh"] = "true"
        return response
    return render(request, "contacts/_import_progress.html", {
        "job": job, "can_edit": can(request.membership, "contacts:edit")})


@workspace_view("contacts:edit")
@require_GET
def import_rejects(request, public_id):
    return rejects_csv(_job(request, public_id))


@workspace_view("contacts:edit")
@require_POST
def import_resume(request, public_id):
    job = _job(request, public_id)
    try:
        jobs.import_resume(job=job)
    except UserError as exc:
        messages.error(request, exc.message)
    return redirect("contacts:import_detail", public_id=job.public_id)


@workspace_view("contacts:edit")
@require_http_methods(["GET", "POST"])
def group_grab(request):
    devices = list(Device.objects.for_workspace(request.workspace).order_by("label", "session_name"))
    session = request.POST.get("device") or request.GET.get("device") or ""
    device = next((d for d in devices if d.session_name == session), None)
    if session and device is None:
        raise Http404
    groups, error = None, None
    if request.method == "POST":
        form = GrabForm(request.POST)
        if form.is_valid() and device:
            try:
                job = grab.grab_create(workspace=request.workspace, user=request.user, device=device,
                                       group_id=form.cleaned_data["group_id"], tags=form.cleaned_data["tags"])
            except UserError as exc:
                error = exc.message
            else:
                return redirect("contacts:import_detail", public_id=job.public_id)
        else:
            error = _("Choose a device and a group.")
    if device:
        try:
            groups = grab.groups_list(device=device)
        except UserError as exc:
            error = error or exc.message
    return render(request, "contacts/grab.html", {"devices": devices, "device": device, "groups": groups,
                                                  "error": error})


@workspace_view("contacts:edit")
@require_http_methods(["GET", "POST"])
def contact_settings(request):
    """Two forms on one page, each saved by its own button (`section`): the other keeps what is stored."""
    section = None
    if request.method == "POST":  # a form posted without its button (Enter in a field) is still known
        section = request.POST.get("section") or ("cap" if "messages" in request.POST else "words")
    form = OptOutWordsForm(request.POST if section == "words" else None,
                           initial={"words": "\n".join(selectors.opt_out_words(request.workspace))})
    cap_messages, cap_days = selectors.contact_cap(request.workspace)
    cap_form = ContactCapForm(request.POST if section == "cap" else None,
                              initial={"messages": cap_messages, "days": cap_days})
    if section == "words" and form.is_valid():
        try:
            services.opt_out_words_set(workspace=request.workspace, words=form.cleaned_data["words"])
        except UserError as exc:
            form.add_error("words", exc.message)
        else:
            messages.success(request, _("Opt-out words saved."))
            return redirect("contacts:settings")
    if section == "cap" and cap_form.is_valid():
        try:
            services.contact_cap_set(workspace=request.workspace, messages=cap_form.cleaned_data["messages"],
                                     days=cap_form.cleaned_data["days"])
        except UserError as exc:
            apply_user_error(cap_form, exc)
        else:
            messages.success(request, _("Limit per contact saved."))
            return redirect("contacts:settings")
    return render(request, "contacts/settings.html", {"form": form, "cap_form": cap_form})
