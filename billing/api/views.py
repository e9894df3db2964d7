"""Billing API: public plans, choosing a plan, the ledger (history and one invoice), and current usage."""
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts.tenancy_api import WorkspaceAPIMixin, WorkspaceAPIView

from .. import checkout, limits, selectors, services
from ..models import Subscription
from .serializers import ChooseSerializer, PackageSerializer, SubscriptionSerializer


class PackageListView(generics.ListAPIView):
    """Public: the plans on the pricing page, with their limits and prices (no login needed)."""

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = PackageSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.public_packages()


class SubscriptionListView(WorkspaceAPIMixin, generics.ListAPIView):
    """The workspace's ledger, newest first."""

    permission_read = "billing:manage"
    serializer_class = SubscriptionSerializer

    def get_queryset(self):
        return selectors.subscription_history(self.request.workspace)


class SubscriptionDetailView(WorkspaceAPIMixin, generics.RetrieveAPIView):
    """One invoice by its reference, with payment instructions while it is unpaid."""

    permission_read = "billing:manage"
    serializer_class = SubscriptionSerializer
    lookup_field = "reference"

    def get_queryset(self):
        return selectors.subscription_history(self.request.workspace)


class ChooseView(WorkspaceAPIView):
    """Pick a plan: Free switches at once (200); a paid plan returns a PENDING invoice to pay (201)."""

    permission_read = "billing:manage"
    permission_write = "billing:manage"

    @extend_schema(request=ChooseSerializer, responses={200: SubscriptionSerializer, 201: SubscriptionSerializer})
    def post(self, request):
        data = ChooseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = services.subscription_choose(workspace=request.workspace, actor=request.user,
                                            **data.validated_data)
        code = status.HTTP_201_CREATED if line.payment_status == Subscription.Status.PENDING else status.HTTP_200_OK
        return Response(SubscriptionSerializer(line).data, status=code)


class PayOnlineView(WorkspaceAPIView):
    """Open (or reuse) the gateway's checkout for an unpaid invoice: send the customer to `redirect_url`. The plan
    turns active when the gateway's signed notification arrives, not when the customer comes back."""

    permission_read = "billing:manage"
    permission_write = "billing:manage"

    @extend_schema(request=None, responses={201: dict})
    def post(self, request, reference):
        line = selectors.subscription_history(request.workspace).filter(reference=reference).first()
        if line is None:
            raise Http404("No such invoice")
        attempt = checkout.payment_start(workspace=request.workspace, actor=request.user, reference=line.reference)
        return Response({"order_id": attempt.order_id, "gateway": attempt.gateway, "amount": attempt.amount,
                         "redirect_url": request.build_absolute_uri(attempt.redirect_url)},
                        status=status.HTTP_201_CREATED)


class CurrentPlanView(WorkspaceAPIView):
    """The plan in force (from the ledger), its expiry and the usage against each limit."""

    permission_read = "billing:manage"

    @extend_schema(responses={200: dict})
    def get(self, request):
        subscription = selectors.current_subscription(request.workspace)
        plan = subscription.package if subscription else selectors.free_package()
        return Response({
            "package": PackageSerializer(plan).data if plan.pk else None,
            "status": "ACTIVE" if subscription and subscription.expiry_date else "FREE",
            "expiry_date": subscription.expiry_date if subscription else None,
            "days_left": selectors.days_left(subscription),
            "usage": [{k: row[k] for k in ("resource", "used", "limit")}
                      for row in limits.usage_rows(request.workspace)],
        })
