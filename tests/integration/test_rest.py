"""The REST client against the real WordPress, with the sidecar's Application Password."""

import pytest

from sidecar.wp_bridge.rest import RestAuthError, RestClient, RestNotFound, WordPressUnavailable

pytestmark = pytest.mark.integration


@pytest.fixture
def rest(network):
    return RestClient(network["url"], auth=("admin", network["admin"]["app_password"]), timeout=10)


def test_application_password_authenticates(rest, network):
    me = rest.get("/wp/v2/users/me", params={"context": "edit"})
    assert me["username"] == network["admin"]["login"]


def test_site_path_selects_the_site(rest, customers):
    posts = rest.get("/wp/v2/posts", site_path="/alice/")
    assert posts, "alice's site has posts"
    assert all("/alice/" in p["link"] for p in posts)


def test_errors_are_mapped(rest, network):
    with pytest.raises(RestNotFound) as caught:
        rest.get("/wp/v2/no-such-route")
    assert caught.value.code == "rest_no_route"
    wrong = RestClient(network["url"], auth=("admin", "wrong pass word"), timeout=10)
    with pytest.raises(RestAuthError):
        wrong.get("/wp/v2/users/me")
    with pytest.raises(WordPressUnavailable):
        RestClient("http://127.0.0.1:1/", timeout=2).get("/wp/v2/users/me")
