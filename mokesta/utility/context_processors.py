from django.http import HttpRequest

from mokesta.utility.models import Utility


def utility(request: HttpRequest) -> dict[str, Utility]:
    return {"utility": Utility.current()}
