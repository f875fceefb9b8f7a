"""The API against its own OpenAPI document: schemathesis generates requests from the document
and checks every answer (no server error, status codes, content types, headers and bodies as
documented), with published and unpublished initiatives in the database."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from portal.models import SiteSettings
from tests.collaboration.conftest import make_initiative


@pytest.fixture
def api_schema(db, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    SiteSettings.objects.update_or_create(pk=1, defaults={"public_site": True})
    origin = make_initiative("公開の取組み", is_model=True)
    make_initiative("非公開の取組み", codes=("063657",), published=False, spread_from=origin)
    make_initiative("県外の事例", scope="outside", outside_prefecture="長野県", codes=())
    # As Django's test client does: the test's transaction must outlive each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_the_api_keeps_to_its_openapi_document(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/api/v1/initiatives/", "/api/v1/framework/",
                                              "/api/v1/municipalities/{lg_code}/"}
    checked = []
    # Invalid requests too, where there is a parameter to get wrong.
    runs = [(op, GenerationMode.POSITIVE) for op in operations] + [
        (op, GenerationMode.NEGATIVE) for op in operations
        if len(op.query) or len(op.path_parameters)]
    for operation, mode in runs:
        @given(case=operation.as_strategy(generation_mode=mode))
        @hypothesis_settings(max_examples=30, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def keeps_to_the_document(case):
            response = case.call_and_validate()
            checked.append(response.status_code)

        try:
            keeps_to_the_document()
        except Unsatisfiable:
            # Every text is a valid value of some parameters: no invalid request to make.
            assert mode is GenerationMode.NEGATIVE, operation.path
    assert checked and max(checked) < 500
