"""The public link redirect (/link/<slug>)."""

urlpatterns = []
