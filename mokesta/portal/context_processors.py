from django.http import HttpRequest

from mokesta.portal.models import Utility


def utility(request: HttpRequest) -> dict[str, Utility]:
    return {"utility": Utility.current()}
