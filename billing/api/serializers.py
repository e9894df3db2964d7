"""Serializers for the billing API."""
from rest_framework import serializers

from ..models import FREE_LIMITS, Package, Subscription
from ..payments import provider_for


class PackageSerializer(serializers.ModelSerializer):
    limits = serializers.SerializerMethodField()

    class Meta:
        model = Package
        fields = ["id", "code", "name", "description", "price", "price_yearly", "trial_days", "currency", "max_devices",
                  "max_contacts",
                  "features", "limits"]

    currency = serializers.SerializerMethodField()

    def get_currency(self, package) -> str:
        return "IDR"

    def get_limits(self, package) -> dict:
        """Every limit by resource name, as billing.limits uses them (null = unlimited)."""
        return {resource: package.limit(resource, default) for resource, default in FREE_LIMITS.items()}


class SubscriptionSerializer(serializers.ModelSerializer):
    package = PackageSerializer(read_only=True)
    payment_instructions = serializers.SerializerMethodField()

    class Meta:
        model = Subscription
        fields = ["reference", "package", "months", "amount", "currency", "payment_status", "provider", "note",
                  "created_at", "paid_at", "activated_at", "starts_at", "expiry_date", "payment_instructions"]

    def get_payment_instructions(self, line) -> dict | None:
        if line.payment_status not in (Subscription.Status.PENDING, Subscription.Status.FAILED):
            return None
        try:
            provider = provider_for(line)
        except LookupError:
            return None
        return provider.instructions(line).as_dict()


class ChooseSerializer(serializers.Serializer):
    package_id = serializers.IntegerField()
    months = serializers.IntegerField(required=False, default=1)
