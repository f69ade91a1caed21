from django.urls import path

from mokesta.payments import views

app_name = "payments"
urlpatterns = [
    path("mokejimai/", views.payments_pick, name="pick"),
    path("sutartys/<int:pk>/mokejimai/", views.payment_list, name="list"),
]
