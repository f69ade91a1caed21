from django.urls import path

from mokesta.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("taisykles/", views.rules, name="rules"),
    path("savitarna/", views.dashboard, name="dashboard"),
]
