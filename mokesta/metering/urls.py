from django.urls import path

from mokesta.metering import views

app_name = "metering"
urlpatterns = [
    path("rodmenys/", views.declare_pick, name="declare_pick"),
    path("sutartys/<int:pk>/rodmenys/", views.declare, name="declare"),
    path("skaitikliai/<int:pk>/", views.meter_detail, name="meter"),
    path("rodmenys/<int:pk>/", views.reading_detail, name="reading"),
    path("suvartojimas/", views.consumption_pick, name="consumption_pick"),
    path("sutartys/<int:pk>/suvartojimas/", views.consumption, name="consumption"),
    path("sutartys/<int:pk>/suvartojimas.csv", views.consumption_csv, name="consumption_csv"),
]
