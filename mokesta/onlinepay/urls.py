from django.urls import URLPattern, path

from mokesta.onlinepay import views

app_name = "onlinepay"
urlpatterns: list[URLPattern] = [
    # The provider's callback (server to server) and the demo provider's payment page.
    path("patvirtinimas/", views.callback, name="callback"),
    path("demo/", views.demo, name="demo"),
]
