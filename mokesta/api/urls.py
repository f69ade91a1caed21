from django.urls import path

from mokesta.api.api import api

urlpatterns = [path("v1/", api.urls)]
