"""The Send API: POST /api/messages (one message to any number), POST /api/messages/bulk (up to 1,000), and
GET /api/messages/<id> (where one stands). For an owner's login or a key with the `send` scope
(integrations/keys.py); the work is campaigns/api_messages.py's."""
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts.tenancy_api import WorkspaceAPIView
from campaigns import api_messages
from campaigns.api_messages import ApiMessageError
from config.errors import ERRORS, ErrorSerializer, UserError
from config.parsers import JSONParser

TAG = ["send api"]
STATES = ["queued", "sent", "delivered", "read", "failed"]
IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="Any unique string up to 200 characters (a UUID, your order id). The same key with the same "
                "request answers the first message again (200) and sends nothing; with another request: 422 "
                "`idempotency_key_reused`.")


class SendInputSerializer(serializers.Serializer):
    to = serializers.CharField(max_length=40, help_text="The phone as people type it: 0812-3456-7890, "
                                                        "+62 812 3456 7890, 6281234567890")
    text = serializers.CharField(max_length=api_messages.TEXT_MAX, required=False, allow_blank=True, default="",
                                 trim_whitespace=False,
                                 help_text="Spintax {Hi|Halo} and the contact's [name], [city]... if the number is "
                                           "a contact ([name|Kak] gives a default)")
    device = serializers.CharField(max_length=100, required=False, allow_blank=True, default="",
                                   help_text="Session name or id of the number to send from; default: the one "
                                             "this person already talks to, else the healthiest connected one")
    send_at = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                        help_text="ISO 8601 time to send at (up to 90 days ahead); default: now")
    media_url = serializers.URLField(max_length=1000, required=False, allow_blank=True, default="",
                                     help_text="http(s) address of an image or document the server fetches "
                                               "(public addresses only; images up to 5 MB, documents 16 MB)")
    transactional = serializers.BooleanField(
        required=False, allow_null=True, default=None,
        help_text="An order or a code: no quiet hours, no per-contact limit, reaches opted-out numbers. Only "
                  "with a transactional key (its default) or an owner's login.")


class SendUploadSerializer(SendInputSerializer):
    media = serializers.FileField(required=False, allow_null=True,
                                  help_text="An image (JPEG, PNG, WebP) or document, as multipart/form-data")


class SendBulkItemSerializer(SendInputSerializer):
    idempotency_key = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                            help_text="As the Idempotency-Key header, for this item")


class SendBulkInputSerializer(serializers.Serializer):
    messages = serializers.ListField(child=serializers.DictField(), min_length=1, max_length=api_messages.BULK_MAX,
                                     help_text="Up to 1,000 messages, each as the body of POST /api/messages "
                                               "(media only by media_url), plus its own idempotency_key")


class SentMessageSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="The message's id: GET /api/messages/{id}, and `id` of its "
                                         "message.status webhooks")
    status = serializers.ChoiceField(choices=STATES)
    to = serializers.CharField(help_text="E.164 digits, as normalised")
    text = serializers.CharField(help_text="The text as it goes out (spintax and variables filled in)")
    device = serializers.CharField(allow_null=True, help_text="Session name of the number that sends (or sent) it")
    media = serializers.BooleanField(help_text="Whether it carries an attachment")
    transactional = serializers.BooleanField()
    send_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    read_at = serializers.DateTimeField(allow_null=True)
    error_code = serializers.CharField(allow_null=True, help_text="Why it failed, a stable id (not_on_whatsapp, "
                                                                  "contact_cap, waha_error, outcome_unknown, ...)")
    error = serializers.CharField(allow_null=True, help_text="Why it failed, in words")


class SendBulkResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The item's place in `messages`, from 0")
    status = serializers.IntegerField(help_text="202 queued, 200 an earlier message under the same key, else the "
                                                "error's HTTP status")
    message = SentMessageSerializer(required=False, allow_null=True)
    error = ErrorSerializer(required=False, allow_null=True)


class SendBulkAnswerSerializer(serializers.Serializer):
    accepted = serializers.IntegerField()
    refused = serializers.IntegerField()
    results = SendBulkResultSerializer(many=True)


def _caller(request, asked):
    """(transactional?, key prefix) of the request: a key's own flag is the default, and only a transactional key
    or a login may ask for it (ApiKey is integrations', above this app: read by attribute)."""
    key = getattr(request._request, "sebar_api_key", None)
    if key is None:
        return bool(asked), ""
    allowed = bool(getattr(key, "transactional", False))
    if asked and not allowed:
        raise ApiMessageError(_("This API key is not transactional. Create a transactional key in Settings → "
                                "Developers for orders and codes."), code="transactional_not_allowed",
                              status_code=403, fields={"transactional": _("not allowed for this key")})
    return (allowed if asked is None else bool(asked)), key.prefix


def _shown(message):
    return SentMessageSerializer(api_messages.api_message_state(message)).data


class _MessagesView(WorkspaceAPIView):
    permission_read = "campaigns:view"
    permission_write = "campaigns:send"


class MessageSendView(_MessagesView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(tags=TAG, summary="Send one WhatsApp message to any number", parameters=[IDEMPOTENCY],
                   request={"application/json": SendInputSerializer,
                            "multipart/form-data": SendUploadSerializer},
                   responses={202: SentMessageSerializer, 200: SentMessageSerializer, 409: ErrorSerializer,
                              422: ErrorSerializer, **ERRORS},
                   examples=[OpenApiExample("text", request_only=True,
                                            value={"to": "0812-3456-7890", "text": "{Hi|Halo} [name|Kak], your "
                                                   "order #123 is on its way."})])
    def post(self, request):
        data = SendUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        body = data.validated_data
        transactional, prefix = _caller(request, body["transactional"])
        message, created = api_messages.api_message_send(
            workspace=request.workspace, to=body["to"], text=body["text"], device=body["device"] or None,
            send_at=body["send_at"], media=body.get("media"), media_url=body["media_url"],
            idempotency_key=request.headers.get("Idempotency-Key"), transactional=transactional,
            api_key_prefix=prefix)
        answer = Response(_shown(message),
                          status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK)
        if not created:
            answer["Idempotent-Replayed"] = "true"
        return answer


class MessageBulkView(_MessagesView):
    @extend_schema(tags=TAG, summary="Send up to 1,000 messages; each item is answered on its own",
                   request=SendBulkInputSerializer, responses={202: SendBulkAnswerSerializer, **ERRORS})
    def post(self, request):
        data = SendBulkInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        batch, results = api_messages.Batch(request.workspace), []
        for index, raw in enumerate(data.validated_data["messages"]):
            results.append({"index": index, **self._one(request, raw, batch)})
        batch.wake_all()
        accepted = sum(1 for r in results if r["status"] < 300)
        return Response({"accepted": accepted, "refused": len(results) - accepted, "results": results},
                        status=status.HTTP_202_ACCEPTED)

    @staticmethod
    def _one(request, raw, batch):
        item = SendBulkItemSerializer(data=raw)
        if not item.is_valid():
            fields = {k: str(v[0] if isinstance(v, list) else v) for k, v in item.errors.items()}
            return {"status": 400, "error": {"error": "invalid", "message": "; ".join(
                f"{k}: {v}" for k, v in fields.items()), "fields": fields}}
        body = item.validated_data
        try:
            transactional, prefix = _caller(request, body["transactional"])
            message, created = api_messages.api_message_send(
                workspace=request.workspace, to=body["to"], text=body["text"], device=body["device"] or None,
                send_at=body["send_at"], media_url=body["media_url"], idempotency_key=body["idempotency_key"],
                transactional=transactional, api_key_prefix=prefix, batch=batch)
        except UserError as exc:
            return {"status": exc.status_code,
                    "error": {"error": exc.code, "message": exc.message, "fields": exc.fields}}
        return {"status": 202 if created else 200, "message": _shown(message)}


class MessageDetailView(_MessagesView):
    @extend_schema(tags=TAG, summary="Where a message stands: queued, sent, delivered, read or failed (and why)",
                   responses={200: SentMessageSerializer, **ERRORS})
    def get(self, request, message_id):
        message = api_messages.api_message_get(request.workspace, message_id)
        if message is None:
            raise UserError(_("No message with this id in your workspace."), code="not_found", status_code=404)
        return Response(_shown(message))
