from django.urls import path

from mokesta.customers import views

app_name = "customers"
urlpatterns = [
    path("sutartys/prideti/", views.link, name="link"),
    path("sutartys/<int:pk>/", views.contract_detail, name="contract"),
    path("sutartys/<int:pk>/atsieti/", views.unlink, name="unlink"),
]
