"""The plans a fresh Sebar sells, in line with Indonesian peers, and how they are seeded without undoing an operator.

`plans_seed(Package)` (the data migration passes its historical model, the `billing_seed_plans` command the real
one) creates a plan that is missing and brings a plan up to date only while it is exactly as an earlier seed
left it: a plan an operator edited in the admin (a price, a limit, its name) is kept as it is, and at most
gains the feature keys it has never had (so it gets a monthly AI allowance instead of reading as unlimited).
"""
from copy import deepcopy

PLANS = [
    {"code": "free", "name": "Free", "price": 0, "price_yearly": None, "max_devices": 1, "max_contacts": 500,
     "sort_order": 0, "description": "Try Sebar with one number.",
     "features": {"max_rotators": 3, "max_agents": 1, "daily_messages": 500, "ai_replies": 0, "max_warming": 1}},
    {"code": "starter", "name": "Starter", "price": 99_000, "price_yearly": 990_000, "max_devices": 2,
     "max_contacts": 5_000, "sort_order": 5, "description": "For a shop starting to broadcast, with AI answers.",
     "features": {"max_rotators": 10, "max_agents": 2, "daily_messages": 2_000, "ai_replies": 100, "max_warming": 2}},
    {"code": "pro", "name": "Pro", "price": 199_000, "price_yearly": 1_990_000, "max_devices": 5,
     "max_contacts": 25_000, "sort_order": 10, "description": "For growing shops with a small team.",
     "features": {"max_rotators": 50, "max_agents": 5, "daily_messages": 10_000, "ai_replies": 1_000,
                  "max_warming": 5}},
    {"code": "business", "name": "Business", "price": 499_000, "price_yearly": 4_990_000, "max_devices": 15,
     "max_contacts": 100_000, "sort_order": 15, "description": "Many numbers and a customer-service team.",
     "features": {"max_rotators": None, "max_agents": 20, "daily_messages": 50_000, "ai_replies": 5_000,
                  "max_warming": 15}},
    {"code": "enterprise", "name": "Enterprise", "price": 999_000, "price_yearly": 9_990_000, "max_devices": 20,
     "max_contacts": None, "sort_order": 20, "description": "Many numbers, unlimited contacts and link rotators.",
     "features": {"max_rotators": None, "max_agents": 25, "daily_messages": 50_000, "ai_replies": None,
                  "max_warming": None}},
]

# What earlier seeds wrote (billing/migrations/0002_seed_packages.py): a plan still exactly like this was never
# edited, so it may take the current values.
EARLIER = {
    "free": {"name": "Free", "price": 0, "max_devices": 1, "max_contacts": 500, "sort_order": 0,
             "description": "Try Sebar with one number.",
             "features": {"max_rotators": 3, "max_agents": 1, "daily_messages": 500, "ai_replies": False}},
    "pro": {"name": "Pro", "price": 299_000, "max_devices": 5, "max_contacts": 20_000, "sort_order": 10,
            "description": "For growing shops with a small team.",
            "features": {"max_rotators": 50, "max_agents": 5, "daily_messages": 5_000, "ai_replies": True}},
    "enterprise": {"name": "Enterprise", "price": 999_000, "max_devices": 20, "max_contacts": None, "sort_order": 20,
                   "description": "Many numbers, unlimited contacts and link rotators.",
                   "features": {"max_rotators": None, "max_agents": 25, "daily_messages": 50_000,
                                "ai_replies": True}},
}


def _untouched(package, earlier):
    return all(getattr(package, field) == value for field, value in earlier.items())


def plans_seed(Package):  # noqa: N803 - a model class, from the migration's app registry or the real one
    """Create, update or keep each seeded plan; returns {code: "created" | "updated" | "kept" | "skipped"}."""
    done = {}
    for plan in deepcopy(PLANS):
        code = plan["code"]
        package = Package.objects.filter(code=code).first()
        if package is None:
            if Package.objects.filter(name=plan["name"]).exists():
                done[code] = "skipped"  # the operator gave one of their plans this name: theirs stays
                continue
            Package.objects.create(**plan)
            done[code] = "created"
            continue
        earlier = EARLIER.get(code)
        if earlier and _untouched(package, earlier) and package.price_yearly is None:
            for field, value in plan.items():
                setattr(package, field, value)
            package.save()
            done[code] = "updated"
            continue
        features = dict(package.features or {})
        missing = {key: value for key, value in plan["features"].items() if key not in features}
        if missing:
            package.features = {**features, **missing}
            package.save(update_fields=["features"])
        done[code] = "kept"
    return done
