"""Devices pages (mounted at /devices/, namespace "devices")."""
from django.urls import path

from . import health_views, views

app_name = "devices"
urlpatterns = [
    path("", views.device_list, name="list"),
    path("rows", views.device_rows, name="rows"),
    path("add", views.device_add, name="add"),
    path("<str:session>/connect", views.device_connect, name="connect"),
    path("<str:session>/qr", views.device_qr, name="qr"),
    path("<str:session>/pairing-code", views.device_pairing_code, name="pairing-code"),
    path("<str:session>/sandbox-scan", views.device_sandbox_scan, name="sandbox-scan"),
    path("<str:session>/simulate-inbound", views.device_simulate_inbound, name="simulate-inbound"),
    path("<str:session>/disconnect", views.device_disconnect, name="disconnect"),
    path("<str:session>/number-change-seen", views.device_number_change_seen, name="number-change-seen"),
    path("<str:session>/reconnect", views.device_reconnect, name="reconnect"),
    path("<str:session>/broadcast", views.device_broadcast, name="broadcast"),
    path("<str:session>/delete", views.device_delete, name="delete"),
    path("<str:session>/health", health_views.device_health, name="health"),
    path("<str:session>/brake-resume", health_views.device_brake_resume, name="brake-resume"),
    path("<str:session>/sandbox-signal", health_views.device_sandbox_signal, name="sandbox-signal"),
]
