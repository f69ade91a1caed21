"""Request type for views behind @login_required, whose user is never anonymous."""

from django.http import HttpRequest

from mokesta.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """For type checking only: annotate a login-required view's `request` with it (the pattern
    django-stubs documents), so `request.user` is a User, not `User | AnonymousUser`."""

    user: User
