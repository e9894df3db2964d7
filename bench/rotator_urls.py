"""The product's URLs plus the benchmark's baseline: a bare view answering a fixed 302."""
from django.http import HttpResponseRedirect
from django.urls import path

from config.urls import urlpatterns as product_urlpatterns


def bare_redirect(request):
    return HttpResponseRedirect("https://wa.me/6281111111111?text=Halo%20kak")


urlpatterns = [path("bench/bare-302", bare_redirect, name="bench-bare-302"), *product_urlpatterns]
