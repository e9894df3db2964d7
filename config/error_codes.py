"""Every `error` code an API answer can carry, and what it means: the one catalogue.

Clients branch on these ids, so they are a contract: a code is added here before it is raised anywhere
(tests/test_error_codes.py reads every `UserError` subclass and every `code=` in the apps and fails on a code
missing here, or on one listed here that nothing raises), and the OpenAPI schema publishes this list as the
`error` field's enum. The `message` beside a code is for people and may change; the code does not.
"""

CODES = {
    # Input and state, any endpoint
    "invalid": "The input is not valid; `fields` names each field and what is wrong with it.",
    "parse_error": "The request body is not valid JSON (or not the declared content type).",
    "not_found": "No such object in your workspace (objects of other workspaces are never visible).",
    "method_not_allowed": "This endpoint does not accept that HTTP method.",
    "unsupported_media_type": "The request's Content-Type is not accepted here.",
    "not_acceptable": "The Accept header asks for a format the API does not produce.",
    "server_error": "A failure on Sebar's side; nothing to fix in the request. Operators see the details in the log.",
    "queue_unavailable": "The background queue is down, so the work was not saved; retry after `Retry-After` seconds.",
    # Accounts, sign-in and roles
    "not_authenticated": "No credentials were sent: log in and send `Authorization: Bearer <access token>`.",
    "authentication_failed": "The credentials sent were not accepted.",
    "invalid_credentials": "Wrong email or password.",
    "rate_limited": "Too many attempts; wait for the seconds in `Retry-After`.",
    "throttled": "Too many requests; wait for the seconds in `Retry-After`.",
    "token_not_valid": "The token is expired, malformed or already used (refresh tokens work once).",
    "token_revoked": "The token was ended by a password change, 'log out everywhere' or removal from the workspace.",
    "no_active_account": "The account behind the token is disabled or gone.",
    "permission_denied": "Your role does not allow this (agents cannot export, manage billing or the team).",
    "email_taken": "An account with this email address already exists.",
    "weak_password": "The password is too short, too common or too close to your name or email.",
    "reset_link_invalid": "The password reset link (uid and token) is unknown, used or expired; ask for a new one.",
    "email_link_invalid": "The e-mail confirmation link is altered, expired or already used; ask for a new one.",
    "email_unverified": "The operator requires a confirmed owner's e-mail address before broadcasts; open the link "
                        "sent to it or resend it from the banner.",
    "two_factor_required": "The account uses two-factor sign-in: send the authenticator's code (or a recovery code) "
                           "as `code` with the email and password.",
    "two_factor_invalid": "The two-factor code is wrong, already used or expired; send the one the app shows now.",
    "two_factor_setup_required": "The operator requires owners to use two-factor sign-in: set it up on the website "
                                 "first, then log in with its code.",
    "two_factor_mandatory": "The operator requires owners to use two-factor sign-in, so it cannot be turned off.",
    "team_invalid": "The team change is not valid; the message says why.",
    "already_member": "This person is already on your team.",
    "member_elsewhere": "You already belong to another workspace; one person belongs to one workspace.",
    "owner_not_removable": "The workspace owner cannot be removed.",
    "invitation_invalid": "The invitation link is unknown, used, withdrawn or expired.",
    "invitation_other_email": "The invitation is for another email address than the one logged in.",
    # Workspace API keys (Settings → API keys)
    "api_key_invalid": "The API key is unknown, malformed, or its workspace has no active owner.",
    "api_key_expired": "The API key passed its expiry date; the owner creates a new one.",
    "api_key_revoked": "The API key was revoked by the owner or an operator; the owner creates a new one.",
    "api_key_scope_missing": "The API key lacks the scope this endpoint needs; the message names it.",
    "api_key_not_allowed": "API keys cannot use this endpoint (key management, team, billing, ...): log in instead.",
    "api_key_input_invalid": "The new API key is not valid (no known scope, or an expiry in the past).",
    "webhook_invalid": "The webhook endpoint is not valid (no known event chosen).",
    "outbound_refused": "The address is not allowed for outbound requests (not https, or a private network).",
    # Billing
    "plan_limit_reached": "Your plan's limit for this resource is reached; upgrade or free one up.",
    "billing_invalid": "The billing request is not valid; the message says why.",
    "proof_missing": "No file was sent as the proof of transfer; send the receipt in the `proof` field.",
    "proof_too_large": "The proof of transfer is larger than the limit (5 MB unless the operator changed it).",
    "proof_type": "The proof of transfer is not a JPEG, PNG or WebP image or a PDF (read from its bytes).",
    "already_on_plan": "The workspace is already on this plan.",
    "invalid_transition": "The invoice cannot move to that state from the one it is in.",
    "invoice_refunded": "The invoice was refunded and cannot change any more.",
    "sandbox_payments_off": "The sandbox 'pretend it was paid' action is off on this server.",
    "payment_gateway_off": "Online payment is off on this server (BILLING_GATEWAY); pay by bank transfer.",
    "payment_gateway_unavailable": "The payment gateway could not open a checkout; try again or pay by transfer.",
    # Devices (WhatsApp numbers) and the WAHA gateway
    "device_not_ready": "The number is not connected (scan its QR code or link it with a pairing code first).",
    "device_connected": "The number is already connected; disconnect it first.",
    "device_not_connected": "The number must be connected for this.",
    "no_waha_capacity": "Every WhatsApp gateway server is full; an operator must add room.",
    "sandbox_only": "Only available in sandbox mode.",
    "waha_error": "The WhatsApp gateway refused the request; the message says why.",
    "waha_unavailable": "The WhatsApp gateway did not answer; try again shortly.",
    "waha_auth_failed": "The WhatsApp gateway rejected Sebar's API key (an operator must fix the server's key).",
    "waha_session_missing": "The gateway no longer knows this number's session; connect the number again.",
    "emulator_unavailable": "The sandbox WhatsApp emulator is not running.",
    "emulator_error": "The sandbox WhatsApp emulator refused the request.",
    # Contacts and imports
    "invalid_phone": "Not a phone number that can be used (add the country code, e.g. +62).",
    "duplicate_contact": "A contact with this phone number already exists in your workspace.",
    "invalid_contact_cap": "The limit of broadcast messages per contact is out of range (0-100 messages in 1-90 days).",
    "bulk_invalid": "The bulk action or its selection is not valid.",
    "group_not_found": "The WhatsApp group is not visible to that number.",
    "import_file_invalid": "The import file cannot be read (type, size, encoding or shape).",
    "import_started": "This import has already started.",
    "import_reading": "The import's file is still being read; its columns can be chosen once it is.",
    "import_not_failed": "Only a failed import can be retried.",
    # Campaigns
    "campaign_state": "The campaign cannot do that in its current state (e.g. resume a completed one).",
    "paused_by_billing": "The campaign was paused because the plan lapsed; it resumes when the plan is renewed.",
    "spintax_error": "The message's spintax is malformed (unbalanced braces or too deep).",
    "no_devices": "Choose at least one connected number to send from.",
    "empty_audience": "No contact matches the chosen audience (tags, opt-outs and own numbers excluded).",
    # The Send API (POST /api/messages)
    "idempotency_key_reused": "This Idempotency-Key was used for a different request; use a new key for a new "
                              "message (the same request with the same key answers the first message again).",
    "transactional_not_allowed": "The API key is not transactional, so it cannot ask for `transactional`.",
    "media_invalid": "The attachment is not an accepted image or document, or is too large.",
    "media_fetch_failed": "The file at `media_url` could not be fetched (no answer, not 200, too large, too "
                          "many redirects, or not an image or document).",
    # Inbox and auto-replies
    "bad_regex": "The regular expression does not compile or is too slow.",
    "too_many_rules": "The workspace has the most auto-reply rules allowed.",
    "too_many_regex_rules": "The workspace has the most regular-expression rules allowed.",
    "unreadable_file": "The knowledge file cannot be read as text.",
    "send_at_out_of_range": "`send_at` is in the past or more than 90 days ahead.",
    "message_not_scheduled": "The message is not scheduled (any more): it is being sent, was sent, or failed.",
    # Chatbot flows
    "flow_invalid": "The flow's graph cannot be published (or saved); the message and `fields` name each node and "
                    "what is wrong with it.",
    "flow_archived": "The flow is archived; publish it again before changing it.",
    "flow_not_published": "The flow has no published version yet; publish it before starting it in a chat.",
    "flow_no_chat": "The contact has no chat yet; a flow can start once they wrote to one of your numbers.",
    "flow_bot_off": "The bot is off in this chat (a person took it over); turn it on before starting a flow.",
    "invalid_business_hours": "Opening times, a holiday or an agent's capacity cannot be read; the field says why.",
    "contact_opted_out": "The contact opted out: Sebar does not start a chat with them (the Send API: only a "
                         "transactional key may still write to them).",
    "number_braked": "The number is braked (WhatsApp warned it or it is capped): it may not open new chats now.",
    # Sequences (follow-ups)
    "sequence_invalid": "The sequence or one of its steps cannot be saved; the message and `fields` say what to fix.",
    "sequence_archived": "The sequence is archived: it no longer changes or takes contacts.",
    # Link rotator
    "rotator_invalid": "The link is not valid; the message says why.",
    "slug_taken": "Another link already uses this address.",
}
