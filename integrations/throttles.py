"""The per-key rate limit: each API key has its own budget (API_KEY_RATE_LIMIT), counted in the shared cache.
Requests without a key are not counted here."""
from django.apps import apps
from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class ApiKeyRateThrottle(SimpleRateThrottle):
    scope = "api_key"

    def get_rate(self):
        # Read at each request rather than once from DEFAULT_THROTTLE_RATES, so the setting is the only knob.
        return settings.API_KEY_RATE_LIMIT

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, apps.get_model("integrations", "ApiKey")):
            return None  # JWT and sessions are limited elsewhere (login limits), not per key
        return f"throttle_api_key_{request.auth.prefix}"
