"""Operators edit plans and confirm bank transfers here ("Mark paid" calls the billing service)."""
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.admin_cells import cut, short_datetime, when
from config.errors import UserError

from . import services
from .models import AIAnswer, BillingPause, Package, PaymentAttempt, Subscription
from .money import rupiah
from .views import proof_response


@admin.register(Package)
class PackageAdmin(admin.ModelAdmin):
    # Short headers and three inputs per row: the fields' own long names and five inputs made the list wider than a
    # 1366 px screen. The code, the yearly price and the trial are edited on the plan's own page.
    list_display = ["name", "price", "yearly", "trial", "max_devices", "max_contacts", "is_public", "sort_order"]
    list_display_links = ["name"]
    list_editable = ["price", "is_public", "sort_order"]

    @admin.display(description=_("Yearly"), ordering="price_yearly")
    def yearly(self, package):
        return package.price_yearly

    @admin.display(description=_("Trial days"), ordering="trial_days")
    def trial(self, package):
        return package.trial_days
    search_fields = ["name", "code"]


@admin.register(PaymentAttempt)
class PaymentAttemptAdmin(admin.ModelAdmin):
    """Online checkouts and what the gateway last said of each. Read-only: only signed notifications change them."""

    list_display = ["order_id", "workspace_name", "gateway", "amount_idr", "status", "gateway_status", "payment_type",
                    "updated"]
    list_filter = ["gateway", "status"]
    list_select_related = ["workspace"]
    search_fields = ["order_id", "subscription__reference", "workspace__name"]
    workspace_name = cut("workspace__name", _("Workspace"), chars=24)
    updated = when("updated_at", _("Updated"))

    @admin.display(description=_("Amount"), ordering="amount")
    def amount_idr(self, obj):
        return rupiah(obj.amount)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AIAnswer)
class AIAnswerAdmin(admin.ModelAdmin):
    """The AI answers each workspace used, month by month (what its plan's allowance counts)."""

    list_display = ["workspace_name", "month", "message_id", "created"]
    list_filter = ["month"]
    list_select_related = ["workspace"]
    search_fields = ["workspace__name"]
    workspace_name = cut("workspace__name", _("Workspace"), chars=24)
    created = when("created_at", _("Created"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BillingPause)
class BillingPauseAdmin(admin.ModelAdmin):
    list_display = ["workspace_name", "kind", "object_id", "paused"]
    list_filter = ["kind"]
    list_select_related = ["workspace"]
    workspace_name = cut("workspace__name", _("Workspace"))
    paused = when("paused_at", _("Paused"))


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """The ledger. Operators confirm bank transfers with "Mark paid"; the service activates the plan."""

    # What an operator matching a bank transfer needs, narrow enough for a laptop: the note, the dates of
    # payment and activation are on the line's page.
    list_display = ["reference", "workspace_name", "plan", "amount_idr", "status_cell", "mark_paid_button",
                    "created", "expires"]
    list_display_links = ["reference"]
    list_select_related = ["workspace", "package"]
    workspace_name = cut("workspace__name", _("Workspace"), chars=24)
    created = when("created_at", _("Created"))
    expires = when("expiry_date", _("Expires"))
    list_filter = ["payment_status", "package"]
    search_fields = ["reference", "workspace__name", "workspace__memberships__user__email"]
    date_hierarchy = "created_at"
    actions = ["mark_paid", "mark_failed", "refund"]
    readonly_fields = ["workspace", "package", "months", "amount", "currency", "reference", "provider",
                       "payment_status", "created_by", "created_at", "paid_at", "activated_at", "starts_at",
                       "expiry_date", "failed_at", "refunded_at", "lapse_handled_at", "proof_link"]
    fields = readonly_fields[:8] + ["proof_link", "note"] + readonly_fields[8:-1]

    def get_urls(self):
        # The proof is served only through this staff view (and the owner's page): MEDIA_ROOT is never public.
        return [path("<path:object_id>/proof/", self.admin_site.admin_view(self.proof_view),
                     name="billing_subscription_proof"), *super().get_urls()]

    def proof_view(self, request, object_id):
        line = self.get_object(request, object_id)
        if line is None or not self.has_view_permission(request, line):
            raise Http404("No such invoice")
        return proof_response(line)

    @admin.display(description=_("Proof of transfer"))
    def proof_link(self, obj):
        if not obj.proof:
            return _("None uploaded")
        return format_html('<a href="{}">{}</a> · {}', reverse("admin:billing_subscription_proof", args=[obj.pk]),
                           obj.proof_filename or _("Download"), short_datetime(obj.proof_uploaded_at))

    # The proof sits under the status it helps change, not in a column of its own: the ledger must fit a
    # laptop (tests/browser/test_admin_layout.py) and most lines have no proof.
    @admin.display(description=_("Status"), ordering="payment_status")
    def status_cell(self, obj):
        if not obj.proof:
            return obj.get_payment_status_display()
        return format_html('{}<br><a href="{}">{}</a>', obj.get_payment_status_display(),
                           reverse("admin:billing_subscription_proof", args=[obj.pk]), _("Proof"))

    def has_add_permission(self, request):
        return False  # lines come from the owner's choice; the admin only confirms them

    def has_delete_permission(self, request, obj=None):
        return False  # the ledger is history: refund instead of deleting

    @admin.display(description=_("Amount"), ordering="amount")
    def amount_idr(self, obj):
        return rupiah(obj.amount)

    @admin.display(description=_("Plan"), ordering="package__sort_order")
    def plan(self, obj):
        return f"{obj.package.name} × {obj.months}" if obj.months > 1 else obj.package.name

    def _apply(self, request, queryset, service, done_message):
        done, errors = 0, []
        for line in queryset:
            try:
                service(subscription_id=line.pk)
                done += 1
            except UserError as exc:
                errors.append(exc.message)
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)
        for error in errors:
            self.message_user(request, error, messages.ERROR)

    @admin.display(description=_("Confirm"))
    def mark_paid_button(self, obj):
        # The results table sits inside the changelist's POST form (with its CSRF token), so a named
        # submit button is a one-click confirmation; changelist_view handles it before the admin does.
        if obj.payment_status not in (Subscription.Status.PENDING, Subscription.Status.FAILED):
            return "—"
        return format_html('<button type="submit" class="button" name="_mark_paid_one" value="{}">{}</button>',
                           obj.pk, _("Mark paid"))

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and "_mark_paid_one" in request.POST:
            if not self.has_change_permission(request):
                raise PermissionDenied
            pk = request.POST["_mark_paid_one"]
            lines = Subscription.objects.filter(pk=pk) if pk.isdigit() else Subscription.objects.none()
            self._apply(request, lines, services.subscription_mark_paid, _("%(count)s invoice(s) marked paid."))
            return HttpResponseRedirect(request.get_full_path())
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Mark paid (activate the plan)"))
    def mark_paid(self, request, queryset):
        self._apply(request, queryset, services.subscription_mark_paid, _("%(count)s invoice(s) marked paid."))

    @admin.action(description=_("Mark payment failed"))
    def mark_failed(self, request, queryset):
        self._apply(request, queryset, services.subscription_mark_failed, _("%(count)s invoice(s) marked failed."))

    @admin.action(description=_("Refund (the plan stops counting)"))
    def refund(self, request, queryset):
        self._apply(request, queryset, services.subscription_refund, _("%(count)s invoice(s) refunded."))
