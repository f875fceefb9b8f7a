"""Whether the public site is on is read once per request (its rule, the public scopes and the
page frame all ask), and anew for every request and outside requests."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import SiteSettings
from portal.public_site import is_on, public_site_set
from tests.collaboration.conftest import make_initiative

pytestmark = pytest.mark.django_db


def switch_reads(queries) -> int:
    return sum(1 for query in queries.captured_queries if "portal_sitesettings" in query["sql"])


def test_an_anonymous_catalogue_asks_the_switch_once_and_each_request_anew(client,
                                                                          prefecture_user):
    make_initiative("水道事業の広域連携")
    SiteSettings.objects.update_or_create(pk=1, defaults={"public_site": True})
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("initiative_list"))
    assert page.status_code == 200 and "水道事業の広域連携" in page.content.decode()
    assert switch_reads(queries) == 1
    assert is_on()
    public_site_set(actor=prefecture_user, enabled=False)
    assert not is_on()  # outside a request: read each time
    page = client.get(reverse("initiative_list"))
    assert page.status_code == 302 and "login" in page["Location"]
