"""Django "hello world" for bench/web.py: one view, no middleware, no database, no templates.
Served with the same gunicorn settings as the project, it is the floor the pages are compared with:

    .venv/bin/gunicorn --pythonpath bench hello_wsgi:application
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="hello-world-signs-nothing",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
)


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello, world!")


urlpatterns = [path("", hello)]

application = get_wsgi_application()
