import datetime
import functools
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from surveys import reminders
from surveys.models import ReminderDelivery, SurveyResponse
from surveys.tasks import sweep_reminders
from tests.conftest import need_service
from tests.factories import UserFactory, branch_office, municipality, municipality_org
from tests.surveys.conftest import make_survey

TOKYO = datetime.timezone(datetime.timedelta(hours=9))
DEADLINE = datetime.datetime(2026, 7, 31, 17, 0, tzinfo=TOKYO)
CODES = ("062014", "063657", "064611")  # 山形市 (村山), 大蔵村 (最上), 遊佐町 (庄内)


def at(day, hour=9, minute=5):
    return datetime.datetime(2026, 7, day, hour, minute, tzinfo=TOKYO) if day > 0 else \
        datetime.datetime(2026, 8, -day, hour, minute, tzinfo=TOKYO)


@pytest.fixture
def planned(db):
    from portal.composition import load_all_reference_data
    from portal.models import Municipality

    if not Municipality.objects.exists():  # a transactional test emptied the database
        load_all_reference_data()
    with time_machine.travel(datetime.datetime(2026, 7, 1, tzinfo=TOKYO), tick=False):
        survey = make_survey(deadline=DEADLINE, codes=CODES)
    for code in CODES:
        UserFactory(organisation=municipality_org(code), username=f"chief-{code}",
                    email=f"chief-{code}@example.jp")
    UserFactory(role="branch", organisation=branch_office("mogami"), username="mogami-room",
                email="mogami@example.jp")
    return survey


def sent_to():
    return sorted(address for message in mail.outbox for address in message.to)


@pytest.mark.django_db
def test_a_whole_reminder_plan_sends_each_step_once_and_never_to_those_who_submitted(planned):
    with time_machine.travel(at(23), tick=False):  # eight days before
        assert sweep_reminders() == 0
    with time_machine.travel(at(24), tick=False):  # 7 days before, 9:05
        assert sweep_reminders() == 3
        assert sweep_reminders() == 0  # the beat runs again: nothing new
    assert len(mail.outbox) == 3
    assert "「令和8年度 連携課題・ニーズ調査」回答のお願い" in mail.outbox[0].subject
    assert "令和8年7月31日(金) 17:00" in mail.outbox[0].body
    assert mail.outbox[0].alternatives[0][1] == "text/html"

    SurveyResponse.objects.create(survey=planned, municipality=municipality("063657"),
                                  status="submitted", submitted_at=timezone.now())
    with time_machine.travel(at(28), tick=False):  # 3 days before
        sweep_reminders()
    with time_machine.travel(at(30), tick=False):  # 1 day before
        sweep_reminders()
    with time_machine.travel(at(-1), tick=False):  # the day after: the liaison room is copied
        mail.outbox.clear()
        sweep_reminders()
    assert sent_to() == ["chief-062014@example.jp", "chief-064611@example.jp"]
    assert "締切を過ぎました" in mail.outbox[0].subject
    assert all(message.cc == [] for message in mail.outbox)  # 最上 submitted, so no copy
    steps = sorted(ReminderDelivery.objects.filter(municipality__lg_code="062014")
                   .values_list("step", flat=True))
    assert steps == ["+1", "-1", "-3", "-7"]
    assert not ReminderDelivery.objects.filter(municipality__lg_code="063657",
                                               step__in=["-3", "-1", "+1"]).exists()


@pytest.mark.django_db
def test_after_the_deadline_the_liaison_room_of_the_region_is_copied(planned):
    with time_machine.travel(at(-1), tick=False):
        sweep_reminders()
    okura = next(m for m in mail.outbox if m.to == ["chief-063657@example.jp"])
    assert okura.cc == ["mogami@example.jp"]


@pytest.mark.django_db
def test_when_the_workers_were_down_only_the_latest_step_is_sent(planned):
    with time_machine.travel(at(29), tick=False):  # -7 was missed; -3 (yesterday) is due
        assert sweep_reminders() == 3
    assert len(mail.outbox) == 3
    superseded = ReminderDelivery.objects.filter(superseded=True)
    assert set(superseded.values_list("step", flat=True)) == {"-7"}
    assert set(ReminderDelivery.objects.filter(superseded=False).values_list(
        "step", flat=True)) == {"-3"}


@pytest.mark.django_db
def test_a_claim_left_by_a_dead_worker_is_taken_over_and_sent_once(planned):
    with time_machine.travel(at(24), tick=False):
        claimed = reminders.claim_due(planned, timezone.now())  # the worker dies here
    assert len(claimed) == 3 and mail.outbox == []
    with time_machine.travel(at(24, minute=10), tick=False):
        assert sweep_reminders() == 0  # too soon to call the claims dead
    with time_machine.travel(at(24, minute=30), tick=False):
        assert sweep_reminders() == 3
        assert sweep_reminders() == 0
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_remind_now_reaches_those_who_have_not_submitted_once_a_day(
        client, planned, prefecture_user, django_capture_on_commit_callbacks):
    SurveyResponse.objects.create(survey=planned, municipality=municipality("064611"),
                                  status="submitted", submitted_at=timezone.now())
    client.force_login(prefecture_user)
    url = reverse("survey_remind", args=[planned.pk])
    with time_machine.travel(at(20), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
        client.post(url)  # a second click the same day sends nothing more
    assert response.status_code == 302
    assert sent_to() == ["chief-062014@example.jp", "chief-063657@example.jp"]
    board = client.get(reverse("survey_status", args=[planned.pk])).content.decode()
    assert board.count("(今すぐ督促)") == 2 and "now-2026-07-20" not in board


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_one_email_per_step(planned):
    need_service(connection.vendor == "postgresql", "DATABASE_URL does not point at PostgreSQL")
    barrier = threading.Barrier(2)
    results = []

    def sweep():
        from django.db import connections

        try:
            barrier.wait()
            with time_machine.travel(at(24), tick=False):
                results.append(sweep_reminders())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 3  # every reminder claimed by exactly one of the two sweeps
    assert len(mail.outbox) == 3
    assert ReminderDelivery.objects.filter(step="-7").count() == 3


@pytest.mark.django_db
def test_a_sweep_with_nothing_new_inserts_nothing(planned):
    from django.test.utils import CaptureQueriesContext

    with time_machine.travel(at(-3), tick=False):  # after the deadline: every step is due
        sweep_reminders()
        with CaptureQueriesContext(connection) as queries:
            assert sweep_reminders() == 0
    assert not [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]


@pytest.fixture
def backlog(settings):
    """Queued tasks wait in the real broker, as behind a worker backlog, until taken."""
    from portal.celery import app
    from tests import mail as pausing

    need_service(bool(settings.REDIS_URL), "REDIS_URL is not set")
    settings.EMAIL_BACKEND = "tests.mail.PausingBackend"
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    app.control.purge()

    def take() -> list:
        """Every task waiting in the queue, as (task, args), taken off it as a worker would."""
        taken = []
        with app.connection_for_read() as connection:
            queue = connection.SimpleQueue(app.conf.task_default_queue)
            while True:
                try:
                    message = queue.get(block=False)
                except queue.Empty:
                    break
                args, _kwargs, _embed = message.payload
                taken.append((app.tasks[message.headers["task"]], args))
                message.ack()
            queue.close()
        return taken

    yield take
    pausing.during_send.clear()
    app.conf.task_always_eager = eager
    app.control.purge()


def recipients_once():
    addresses = sent_to()
    return len(addresses) == len(set(addresses))


@pytest.mark.needs_redis
@pytest.mark.django_db
def test_a_claim_taken_over_while_its_task_was_still_queued_is_sent_once(
        planned, backlog, django_capture_on_commit_callbacks):
    from tests import mail as pausing

    # The sweep's work leaves through the outbox when its transaction commits.
    with time_machine.travel(at(24), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        assert sweep_reminders() == 3  # queued behind a backlog longer than the takeover
    first = backlog()
    with time_machine.travel(at(24, minute=30), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        assert sweep_reminders() == 3  # the claims look dead: taken over and queued again
    second = backlog()
    assert len(first) == len(second) == 3 and mail.outbox == []
    # Both reach workers at last: the first is still talking to the mail server when the
    # second runs.
    for (task, args), (again, again_args) in zip(first, second, strict=True):
        pausing.during_send.append(functools.partial(again, *again_args))
        task(*args)
        if pausing.during_send:  # the first sent nothing; the second runs on its own
            pausing.during_send.pop()()
    assert len(mail.outbox) == 3 and recipients_once()
    assert ReminderDelivery.objects.filter(sent_at=None).count() == 0


@pytest.mark.needs_postgres
@pytest.mark.needs_redis
@pytest.mark.django_db(transaction=True)
def test_a_reminder_being_sent_cannot_be_taken_over(planned, backlog):
    from tests import mail as pausing

    need_service(connection.vendor == "postgresql", "DATABASE_URL does not point at PostgreSQL")
    with time_machine.travel(at(24), tick=False):
        sweep_reminders()
    first = backlog()
    sending, released = threading.Event(), threading.Event()

    def pause():
        sending.set()
        released.wait(20)

    def slow_worker():
        from django.db import connections

        try:
            pausing.during_send.append(pause)
            task, args = first[0]
            task(*args)
        finally:
            connections.close_all()

    worker = threading.Thread(target=slow_worker)
    worker.start()
    try:
        assert sending.wait(20)
        with time_machine.travel(at(24, minute=30), tick=False):
            sweep_reminders()  # another worker's sweep, while the first e-mail is being sent
        for task, args in backlog():
            task(*args)
    finally:
        released.set()
        worker.join()
    for task, args in first[1:]:
        task(*args)
    assert len(mail.outbox) == 3 and recipients_once()


@pytest.mark.django_db
def test_the_liaison_room_is_copied_on_the_steps_chosen(planned):
    from surveys.models import Survey

    Survey.objects.filter(pk=planned.pk).update(reminder_copies=[-7])
    with time_machine.travel(at(24), tick=False):  # a week before: copied as chosen
        sweep_reminders()
    okura = next(m for m in mail.outbox if m.to == ["chief-063657@example.jp"])
    assert okura.cc == ["mogami@example.jp"]
    mail.outbox.clear()
    with time_machine.travel(at(-1), tick=False):  # the day after: not chosen this time
        sweep_reminders()
    assert all(message.cc == [] for message in mail.outbox) and mail.outbox
