"""Every route answers under /t/{tenant} as it does at the root, with the tenant named in the match."""

from __future__ import annotations

import re

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from emulator.app import FACES, UNMATCHED, build_app
from emulator.control import routes as control
from emulator.seed import load_default_seed
from emulator.tenants import Tenants

ROUTES = [(method, path) for face in FACES for method, path, _, _ in face.ROUTES] + \
         [(method, path) for method, path, _, _ in control.ROUTES]


def concrete(path: str) -> str:
    """A path of the route with a plain value in every variable."""
    return re.sub(r"\{[^}]+\}", "v1", path)


@pytest.fixture(scope="module")
def router() -> web.UrlDispatcher:
    app = build_app(Tenants(load_default_seed()))
    app.freeze()
    return app.router


@pytest.mark.parametrize("method,path", ROUTES)
async def test_a_route_under_a_tenant_prefix_reaches_the_same_route_with_the_tenant_named(router, method, path):
    root = await router.resolve(make_mocked_request(method, concrete(path)))
    scoped = await router.resolve(make_mocked_request(method, "/t/ci-42" + concrete(path)))
    assert root.http_exception is None and scoped.http_exception is None
    assert scoped.route.resource.canonical == root.route.resource.canonical
    assert scoped.route.method == root.route.method
    assert dict(scoped) == {**root, "tenant": "ci-42"}


async def test_a_tenant_name_with_an_escaped_slash_or_percent_is_handed_over_decoded(router):
    scoped = await router.resolve(make_mocked_request("GET", "/t/a%252Fb/_emulator/health"))
    assert scoped["tenant"] == "a%2Fb"


async def test_a_known_path_with_another_method_under_a_tenant_prefix_allows_what_it_allows_at_the_root(router):
    async def allowed(path: str) -> set[str]:
        request = make_mocked_request("DELETE", path)
        methods: set[str] = set()
        for resource in router.resources():
            if resource.name not in UNMATCHED:
                methods |= (await resource.resolve(request))[1]
        return methods

    scoped = await router.resolve(make_mocked_request("DELETE", "/t/ci-42/platform_api/SendSmsMessage"))
    assert scoped.route.name == UNMATCHED[1]  # which answers 405 in the provider's envelope, listing these
    assert await allowed("/t/ci-42/platform_api/SendSmsMessage") == await allowed("/platform_api/SendSmsMessage")
    assert await allowed("/t/ci-42/platform_api/SendSmsMessage") == {"GET", "HEAD", "POST"}


def test_the_tenant_prefix_builds_a_tenants_base_url(router):
    scoped = next(resource for resource in router.resources() if resource.canonical == "/t/{tenant}")
    assert str(scoped.url_for(tenant="ci-42")) == "/t/ci-42"
