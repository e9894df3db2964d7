"""Three ready flows an owner can start from: order taking, an FAQ menu, lead qualification.

Their texts go through gettext, so a flow created from one is written in the language of the person who
creates it (Indonesian or English); after that it is the owner's to change.
"""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def _order():
    return {"nodes": [
        {"id": "start", "kind": "trigger", "trigger": "keyword", "keywords": [_("order"), "order"], "match": "exact",
         "next": "product", "x": 40, "y": 160},
        {"id": "product", "kind": "question", "text": _("Hi [name|there]! Which product would you like to order?"),
         "validate": "text", "store": "variable", "name": "product", "next": "quantity", "x": 300, "y": 60,
         "timeout_minutes": 60, "reminder_minutes": 30, "reminder": _("Are you still there? Tell us the product.")},
        {"id": "quantity", "kind": "question", "text": _("How many?"), "validate": "number",
         "retry": _("Please answer with a number, for example 2."), "store": "variable", "name": "quantity",
         "next": "address", "x": 560, "y": 60},
        {"id": "address", "kind": "question", "text": _("Where should we send it? Write the full address."),
         "validate": "text", "store": "field", "name": "address", "next": "summary", "x": 820, "y": 60},
        {"id": "summary", "kind": "message",
         "text": _("Thank you! Your order: [quantity] × [product], to [address]."), "next": "handoff",
         "x": 820, "y": 260},
        {"id": "handoff", "kind": "action", "action": "handoff",
         "text": _("Our team will confirm the price and the shipping cost here shortly."), "x": 1080, "y": 260},
    ]}


def _faq():
    return {"nodes": [
        {"id": "start", "kind": "trigger", "trigger": "keyword", "keywords": ["menu", "info"], "match": "exact",
         "next": "menu", "x": 40, "y": 160},
        {"id": "menu", "kind": "menu", "text": _("Hi [name|there]! What would you like to know?"), "x": 300, "y": 140,
         "options": [{"label": _("Prices"), "next": "prices"}, {"label": _("Location"), "next": "location"},
                     {"label": _("Opening hours"), "next": "hours"},
                     {"label": _("Talk to our team"), "next": "team"}]},
        {"id": "prices", "kind": "message", "text": _("Our price list: write your own prices here."),
         "x": 620, "y": 20},
        {"id": "location", "kind": "message", "text": _("We are at: write your address and a map link here."),
         "x": 620, "y": 140},
        {"id": "hours", "kind": "message", "text": _("We are open Monday to Saturday, 09:00 to 17:00."),
         "x": 620, "y": 260},
        {"id": "team", "kind": "action", "action": "handoff", "x": 620, "y": 380},
    ]}


def _lead():
    return {"nodes": [
        {"id": "start", "kind": "trigger", "trigger": "new_contact", "next": "business", "x": 40, "y": 160},
        {"id": "business", "kind": "question", "text": _("Welcome! What kind of business do you run?"),
         "validate": "choice", "choices": [_("Shop"), _("Restaurant"), _("Services"), _("Other")],
         "store": "field", "name": "business", "next": "budget", "x": 300, "y": 60},
        {"id": "budget", "kind": "question", "text": _("What is your monthly budget, in thousands of rupiah?"),
         "validate": "number", "retry": _("Please answer with a number, for example 500."), "store": "field",
         "name": "budget", "next": "check", "x": 560, "y": 60},
        {"id": "check", "kind": "condition", "x": 820, "y": 60,
         "rules": [{"check": "variable", "name": "budget", "op": "gt", "value": "1000", "next": "hot"}],
         "else": "warm"},
        {"id": "hot", "kind": "action", "action": "tag_add", "tag": "hot-lead", "next": "handoff", "x": 1080, "y": 0},
        {"id": "handoff", "kind": "action", "action": "handoff",
         "text": _("Thank you! A consultant will contact you here shortly."), "x": 1340, "y": 0},
        {"id": "warm", "kind": "action", "action": "tag_add", "tag": "warm-lead", "next": "bye", "x": 1080, "y": 200},
        {"id": "bye", "kind": "action", "action": "end",
         "text": _("Thank you! We will send you our offers for [business|your business]."), "x": 1340, "y": 200},
    ]}


READY_MADE = {
    "order": {"title": gettext_lazy("Order taking"), "graph": _order},
    "faq": {"title": gettext_lazy("FAQ menu"), "graph": _faq},
    "lead": {"title": gettext_lazy("Lead qualification"), "graph": _lead},
}


def ready_made_graph(key):
    """The graph of ready flow `key` in the active language, or an empty one."""
    entry = READY_MADE.get(key or "")
    return entry["graph"]() if entry else {"nodes": []}
