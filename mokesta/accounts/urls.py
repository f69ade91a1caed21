from django.urls import URLPattern, path

from mokesta.accounts import profile

app_name = "accounts"
urlpatterns: list[URLPattern] = [
    # „Mano duomenys" (profile.py)
    path("profilis/", profile.profile, name="profile"),
    path("profilis/duomenys.json", profile.export, name="profile_export"),
    path("profilis/istrinti/", profile.delete_account, name="profile_delete"),
]
