import os

import pytest

from portal.composition import load_all_reference_data
from tests.factories import UserFactory, branch_office, municipality_org

# With this flag (set by .ci/run) a missing service fails the test instead of skipping it.
REQUIRE_SERVICES = os.environ.get("PORTAL_REQUIRE_SERVICES") == "1"

# The municipalities the role fixtures belong to: 山形市 (村山) and 大蔵村 (最上).
HOME_CODE = "062014"
OTHER_CODE = "063657"


def need_service(available: bool, reason: str) -> None:
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (PORTAL_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The reference data every test starts from: regions, 35 municipalities, offices."""
    with django_db_blocker.unblock():
        load_all_reference_data()


@pytest.fixture
def reference_data(db):
    """The reference data again, where a transactional test that ran before emptied the
    database (pytest-django runs those last, each flushing the database after it)."""
    from portal.models import Municipality

    if not Municipality.objects.exists():
        load_all_reference_data()


@pytest.fixture
def prefecture_user(db):
    return UserFactory(prefecture=True, username="pref")


@pytest.fixture
def portal_admin(db):
    return UserFactory(portal_admin=True, username="sysadmin")


@pytest.fixture
def branch_user(db):
    """The 村山 liaison room: 山形市 is in its region, 大蔵村 is not."""
    return UserFactory(role="branch", organisation=branch_office("murayama"), username="murayama")


@pytest.fixture
def other_branch_user(db):
    return UserFactory(role="branch", organisation=branch_office("shonai"), username="shonai")


@pytest.fixture
def municipal_user(db):
    return UserFactory(organisation=municipality_org(HOME_CODE), username="yamagata")


@pytest.fixture
def other_municipal_user(db):
    return UserFactory(organisation=municipality_org(OTHER_CODE), username="okura")


@pytest.fixture
def users_by_role(prefecture_user, portal_admin, branch_user, other_branch_user,
                  municipal_user, other_municipal_user):
    return {
        "prefecture": prefecture_user,
        "admin": portal_admin,
        "branch": branch_user,
        "other_branch": other_branch_user,
        "municipal": municipal_user,
        "other_municipal": other_municipal_user,
    }


@pytest.fixture(autouse=True)
def empty_cache():
    # Each test's database is rolled back without announcing it; neither may its cached pages
    # outlive it.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # A deliberately slow hash costs seconds per test that creates users; the algorithm is not
    # what these tests are about.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def tasks_in_process():
    """Tasks queued by the code under test run in the test's process, one after the other
    (the setting a worker-less development machine runs with)."""
    from portal.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def report_files(settings, tmp_path, tasks_in_process):
    """Report files in a temporary folder, built in process as soon as they are asked for."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tmp_path}}}


@pytest.fixture
def pdf_ok():
    try:
        import weasyprint  # noqa: F401
    except OSError as error:
        need_service(False, f"WeasyPrint cannot load Pango: {error}")


@pytest.fixture(autouse=True)
def outbox_not_paused():
    # A test that found the broker down must not make the next one wait for the relay.
    from portal.lib import outbox

    outbox._paused_until = 0.0


@pytest.fixture(scope="session")
def office_profile(tmp_path_factory):
    """A LibreOffice user profile of this run's own, so parallel runs do not share one."""
    return tmp_path_factory.mktemp("libreoffice-profile")
