"""Which requests may read the replica (lib/replica.py); the routing itself with a real replica
is mokesta/ops/tests/test_replica.py (topology)."""

from django.db import DEFAULT_DB_ALIAS
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from mokesta.accounts.models import User
from mokesta.lib import replica
from mokesta.portal import dashboard, pay, readings
from mokesta.portal.views import home

factory = RequestFactory()


def test_a_customer_page_get_without_the_stamp_fits():
    assert replica.replica_fits(factory.get("/savitarna/"), dashboard.dashboard)
    assert replica.replica_fits(factory.head("/"), home)


def test_posts_the_stamp_payments_and_the_declaration_do_not():
    stamped = factory.get("/savitarna/")
    stamped.COOKIES[replica.WROTE_COOKIE] = "1"
    assert not replica.replica_fits(stamped, dashboard.dashboard)
    assert not replica.replica_fits(factory.post("/savitarna/"), dashboard.dashboard)
    assert not replica.replica_fits(factory.get("/"), pay.pay_contract)
    assert not replica.replica_fits(factory.get("/"), readings.declare)
    assert not replica.replica_fits(factory.get("/"), readings.declare_pick)


def test_other_apps_views_do_not():
    from mokesta.outbox.health import healthz

    assert not replica.replica_fits(factory.get("/healthz/"), healthz)


@override_settings(REPLICA_STICKY_SECONDS=7)
def test_a_post_stamps_the_visitor_and_a_get_does_not():
    middleware = replica.ReplicaMiddleware(lambda request: HttpResponse("ok"))
    response = middleware(factory.post("/i18n/setlang/"))
    cookie = response.cookies[replica.WROTE_COOKIE]
    assert cookie["max-age"] == 7 and cookie["httponly"]
    assert replica.WROTE_COOKIE not in middleware(factory.get("/")).cookies


def test_a_write_sends_the_rest_of_the_request_to_the_primary():
    router = replica.ReplicaRouter()
    token = replica._reading.set(replica.REPLICA)
    try:
        assert router.db_for_read(User) == replica.REPLICA
        assert router.db_for_write(User) == DEFAULT_DB_ALIAS
        assert router.db_for_read(User) == DEFAULT_DB_ALIAS
        assert replica.read_alias() == DEFAULT_DB_ALIAS
    finally:
        replica._reading.reset(token)


def test_the_reading_choice_ends_with_the_request():
    seen = []

    def view(request):
        replica._reading.set(replica.REPLICA)
        seen.append(replica.read_alias())
        return HttpResponse("ok")

    replica.ReplicaMiddleware(view)(factory.get("/"))
    assert seen == [replica.REPLICA]
    assert replica.read_alias() == DEFAULT_DB_ALIAS


def test_migrations_go_to_the_primary_only():
    router = replica.ReplicaRouter()
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "billing")
    assert not router.allow_migrate(replica.REPLICA, "billing")
