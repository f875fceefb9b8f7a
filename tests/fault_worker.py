"""A real Celery worker for the fault tests (run as ``python -m tests.fault_worker``): the
portal's worker, plus a report kind whose build waits while a file exists, so a test can
kill the worker mid-build."""

import os
import time

BLOCKING = "fault_blocking"


def _build(report, progress):
    from portal.lib.reports import Built

    hold = report.params["hold"]
    with open(hold + ".pid", "w") as pid_file:
        pid_file.write(str(os.getpid()))
    progress(10)
    deadline = time.monotonic() + 120
    while os.path.exists(hold) and time.monotonic() < deadline:
        time.sleep(0.1)
    return Built(b"built", "fault.txt", "text/plain")


def register():
    from portal.lib import reports

    reports.register(reports.ReportKind(
        BLOCKING, "fault test", lambda user, params: params is not None,
        lambda params: "fault test", _build, lambda data: {"hold": data.get("hold", "")},
        "reports/_year_field.html"))


def unregister():
    from portal.lib import reports

    reports._kinds.pop(BLOCKING, None)


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    register()
    from portal.celery import app

    app.worker_main(["worker", "--pool=prefork", "--concurrency=1", "--loglevel=INFO",
                     "--without-gossip", "--without-mingle", "--without-heartbeat",
                     "-n", f"fault-{os.getpid()}@%h"])
