import datetime
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.urls import reverse

from portal.models import Municipality
from surveys import opening
from surveys.models import OpeningNotice, Survey
from surveys.tasks import send_opening_notices, sweep_reminders
from tests.conftest import need_service
from tests.factories import UserFactory, municipality_org
from tests.surveys.conftest import make_survey

TOKYO = datetime.timezone(datetime.timedelta(hours=9))
OPENS = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=TOKYO)
DEADLINE = datetime.datetime(2026, 12, 16, 17, 0, tzinfo=TOKYO)


def staff_everywhere():
    """Two planning staff in every municipality: each municipality gets one e-mail to both."""
    for m in Municipality.objects.all():
        for n in (1, 2):
            UserFactory(organisation=municipality_org(m.lg_code), username=f"s{n}-{m.lg_code}",
                        email=f"s{n}-{m.lg_code}@example.jp")


@pytest.fixture
def waiting(db):
    from portal.composition import load_all_reference_data

    if not Municipality.objects.exists():  # a transactional test emptied the database
        load_all_reference_data()
    with time_machine.travel(datetime.datetime(2026, 11, 20, tzinfo=TOKYO), tick=False):
        survey = make_survey(opens_at=OPENS, deadline=DEADLINE)
    Survey.objects.filter(pk=survey.pk).update(description="連携したい分野を伺います。")
    staff_everywhere()
    return Survey.objects.get(pk=survey.pk)


def test_the_deadline_is_written_with_its_weekday():
    assert opening.deadline_text(DEADLINE) == "令和8年12月16日(水) 17:00"


@pytest.mark.django_db
def test_sending_now_opens_the_survey_and_emails_each_municipality_once(
        client, prefecture_user, waiting, django_capture_on_commit_callbacks):
    client.force_login(prefecture_user)
    url = reverse("survey_send", args=[waiting.pk])
    with time_machine.travel(datetime.datetime(2026, 11, 25, 10, 0, tzinfo=TOKYO), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"when": "now"})
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, {"when": "now"})  # a second press sends nothing more
        waiting.refresh_from_db()
        assert waiting.is_open()
    assert response.url == reverse("survey_status", args=[waiting.pk])
    assert len(mail.outbox) == 35
    assert OpeningNotice.objects.filter(survey=waiting, sent_at__isnull=False,
                                        recipients=2).count() == 35
    yamagata = next(m for m in mail.outbox if "s1-062014@example.jp" in m.to)
    assert sorted(yamagata.to) == ["s1-062014@example.jp", "s2-062014@example.jp"]
    assert "回答依頼" in yamagata.subject and waiting.title in yamagata.subject
    assert "令和8年12月16日(水) 17:00" in yamagata.body
    assert "連携したい分野を伺います。" in yamagata.body
    assert f"/surveys/{waiting.pk}/answer/" in yamagata.body
    assert "令和8年12月16日(水) 17:00" in yamagata.alternatives[0][0]
    board = client.get(reverse("survey_status", args=[waiting.pk])).content.decode()
    assert board.count("令和8年11月25日") == 35  # the board shows each one sent


@pytest.mark.django_db
def test_sent_at_the_opening_time_by_the_sweep(client, prefecture_user, waiting,
                                                django_capture_on_commit_callbacks):
    client.force_login(prefecture_user)
    with time_machine.travel(datetime.datetime(2026, 11, 25, 10, 0, tzinfo=TOKYO), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("survey_send", args=[waiting.pk]), {"when": "opening"})
        assert mail.outbox == []
        assert "開始待ち" in client.get(reverse("survey_status", args=[waiting.pk])
                                        ).content.decode()
        sweep_reminders()
        assert mail.outbox == []  # not before the opening
    with time_machine.travel(OPENS + datetime.timedelta(minutes=5), tick=False):
        sweep_reminders()
        sweep_reminders()
    waiting.refresh_from_db()
    assert waiting.opens_at == OPENS
    assert len(mail.outbox) == 35


@pytest.mark.django_db
def test_nothing_is_sent_for_a_survey_never_requested(waiting):
    with time_machine.travel(OPENS + datetime.timedelta(minutes=5), tick=False):
        sweep_reminders()
        assert send_opening_notices(waiting.pk) == 0
    assert not OpeningNotice.objects.exists()


@pytest.mark.django_db
def test_a_survey_past_its_deadline_is_not_requested(client, prefecture_user, waiting):
    with time_machine.travel(DEADLINE + datetime.timedelta(days=1), tick=False):
        client.force_login(prefecture_user)
        response = client.post(reverse("survey_send", args=[waiting.pk]), {"when": "now"},
                               follow=True)
    assert "締切を過ぎています" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.requested_at is None and waiting.opens_at == OPENS


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_sends_at_once_email_each_municipality_once(waiting):
    need_service(connection.vendor == "postgresql", "DATABASE_URL does not point at PostgreSQL")
    Survey.objects.filter(pk=waiting.pk).update(requested_at=OPENS)
    barrier = threading.Barrier(2)
    results = []

    def send():
        from django.db import connections

        try:
            barrier.wait()
            with time_machine.travel(OPENS + datetime.timedelta(hours=1), tick=False):
                results.append(send_opening_notices(waiting.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 35  # every municipality claimed by exactly one of the two
    assert len(mail.outbox) == 35
    assert OpeningNotice.objects.filter(sent_at__isnull=False).count() == 35


@pytest.mark.django_db
def test_a_notice_sent_already_is_not_sent_again(waiting):
    Survey.objects.filter(pk=waiting.pk).update(requested_at=OPENS)
    with time_machine.travel(OPENS + datetime.timedelta(hours=1), tick=False):
        send_opening_notices(waiting.pk)
        notice = OpeningNotice.objects.first()
        assert opening.send(notice.pk) is False  # a duplicate run of the same task
    assert len(mail.outbox) == 35


@pytest.mark.django_db
def test_the_board_says_queued_while_the_e_mails_wait_for_a_worker(
        client, prefecture_user, waiting, django_capture_on_commit_callbacks):
    """An open survey asked for, whose sending task has not run yet (no worker has taken it),
    is not 「開始待ち」: its opening has come and the e-mails are waiting to be sent."""
    with time_machine.travel(datetime.datetime(2026, 12, 2, 10, 0, tzinfo=TOKYO), tick=False):
        client.force_login(prefecture_user)
        with django_capture_on_commit_callbacks(execute=False):  # the task is not run
            client.post(reverse("survey_send", args=[waiting.pk]), {"when": "now"})
        assert not OpeningNotice.objects.exists() and mail.outbox == []
        board = client.get(reverse("survey_status", args=[waiting.pk])).content.decode()
    assert board.count("送信待ち") == 35
    assert "開始待ち" not in board
