from django.urls import path

from mokesta.news import views

app_name = "news"
urlpatterns = [
    path("", views.article_list, name="list"),
    path("<slug:slug>/", views.article_detail, name="detail"),
]
