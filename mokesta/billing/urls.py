from django.urls import path

from mokesta.billing import views

app_name = "billing"
urlpatterns = [
    path("saskaitos/", views.invoice_list, name="list"),
    path("saskaitos/<int:pk>/", views.invoice_detail, name="detail"),
    path("saskaitos/<int:pk>/pdf/", views.invoice_pdf, name="pdf"),
]
