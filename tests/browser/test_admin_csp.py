"""The operators' admin and DRF's browsable API run under the Content-Security-Policy with nothing blocked (issue
12 #2), and what moved out of inline script still works: import-export's "Select all" on the export page,
django-celery-beat's crontab translation on a periodic task's page.

Every admin page a staff superuser reaches is visited: the index and the overview, each registered model's
changelist, add, change, history and delete pages, an action's confirmation, a user's password page, the contact
import and export pages and a popup. Violations are caught by the `watched` fixture (tests/browser/conftest.py).
"""
import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from tests.operator import world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _visit(page, url):
    response = page.goto(url)
    assert response.status == 200, f"{url} answered {response.status}"
    assert "script-src 'self'" in response.headers.get("content-security-policy", ""), url
    page.wait_for_load_state("networkidle")
    return response


def _login_operator(page, base):
    operator = UserFactory(email="ops@example.com", is_staff=True, is_superuser=True)
    _visit(page, f"{base}/admin/login/")
    page.fill("#id_username", operator.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/")
    return operator


def _beat_task():
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    crontab = CrontabSchedule.objects.create(minute="30", hour="2", day_of_week="*", day_of_month="*",
                                             month_of_year="*")
    other = CrontabSchedule.objects.create(minute="0", hour="*/4", day_of_week="1", day_of_month="*",
                                           month_of_year="*")
    task = PeriodicTask.objects.create(name="csp nightly", task="rotator.tasks.clicks_prune_task", crontab=crontab)
    return task, other


def test_every_admin_page_runs_under_the_policy(watched, live_server):
    page, problems = watched
    base = live_server.url
    world.build()
    task, other_crontab = _beat_task()
    operator = _login_operator(page, base)

    urls = [reverse("admin:index"), reverse("admin:overview"), reverse("admin:password_change"),
            reverse("admin:auth_user_password_change", args=[operator.pk]),
            reverse("admin:contacts_contact_import"), reverse("admin:contacts_contact_export"),
            reverse("admin:accounts_workspace_add") + "?_to_field=id&_popup=1"]
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{name}_changelist"))
        if model_admin.has_add_permission(_request(operator)):
            urls.append(reverse(f"{name}_add"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls += [reverse(f"{name}_change", args=[first.pk]), reverse(f"{name}_history", args=[first.pk])]
            if model_admin.has_delete_permission(_request(operator), first):
                urls.append(reverse(f"{name}_delete", args=[first.pk]))
    for url in urls:
        _visit(page, base + url)

    # An action's confirmation page, reached the way an operator does: tick a row, pick the action, Go.
    _visit(page, base + reverse("admin:contacts_tag_changelist"))
    page.check("#action-toggle")  # Django's actions.js: "select all" on the changelist
    assert page.is_checked("input.action-select")
    page.select_option("select[name=action]", "delete_selected")
    with page.expect_navigation():
        page.click("button[name=index]")
    assert "Are you sure you want to delete the selected tag?" in page.inner_text("#content")

    # import-export's export page: "Select all" unticks and ticks every field (was an inline onchange).
    _visit(page, base + reverse("admin:contacts_contact_export"))
    fields = ".selectable-field-export-row input[type=checkbox]"
    assert page.locator(fields).count() > 3
    page.uncheck("input[name=select-all-toggle]")
    assert page.evaluate(f"[...document.querySelectorAll('{fields}')].every((box) => !box.checked)")
    page.check("input[name=select-all-toggle]")
    assert page.evaluate(f"[...document.querySelectorAll('{fields}')].every((box) => box.checked)")

    # celery-beat's periodic task: the crontab's translation follows the select (was an inline script).
    _visit(page, base + reverse("admin:django_celery_beat_periodictask_change", args=[task.pk]))
    help_text = ".field-crontab .help"
    assert f"Translation: {task.crontab.human_readable}" in page.inner_text(help_text)
    assert not page.is_visible(".field-crontab_translation")
    page.select_option("#id_crontab", str(other_crontab.pk))
    assert f"Translation: {other_crontab.human_readable}" in page.inner_text(help_text)

    assert not problems, "Content-Security-Policy problems:\n" + "\n".join(problems)


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_the_browsable_api_runs_under_the_policy(watched, live_server):
    from .test_csp import _world

    page, problems = watched
    base = live_server.url
    w = _world()
    _visit(page, f"{base}/login/")
    page.fill("#id_email", w["owner"].email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")

    c, link, contact = w["campaign"], w["link"], w["contacts"][0]
    for url in ["/api/me", "/api/workspace", "/api/team/members", "/api/devices", "/api/contacts",
                f"/api/contacts/{contact.pk}", "/api/campaigns", f"/api/campaigns/{c.pk}",
                "/api/chats", "/api/auto-replies", f"/api/auto-replies/{w['rule'].pk}", "/api/quick-replies",
                "/api/knowledge", "/api/rotators", f"/api/rotators/{link.pk}", f"/api/rotators/{link.pk}/stats",
                "/api/packages", "/api/subscriptions", "/api/assistant-settings"]:
        response = _visit(page, base + url)
        assert response.headers["content-type"].startswith("text/html"), url
    # DRF's scripts run (Bootstrap's tabs switch the form) and the moved styles apply.
    _visit(page, f"{base}/api/rotators")
    page.click("a[name=raw-tab]")
    page.wait_for_selector("#post-generic-content-form textarea", state="visible")
    assert page.evaluate("getComputedStyle(document.querySelector('.api-fieldset-head')).borderBottomStyle") == "solid"
    _visit(page, f"{base}/api/devices")
    assert page.evaluate("getComputedStyle(document.querySelector('.api-float-right')).float") == "right"
    assert not problems, "Content-Security-Policy problems:\n" + "\n".join(problems)
