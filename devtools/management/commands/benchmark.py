from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devtools.benchmark.run import benchmark
from devtools.benchmark.subprocesses import ensure_database


class Command(BaseCommand):
    help = ("Drives the portal under gunicorn with concurrent clients on a decade of synthetic "
            "data (PostgreSQL and Redis), measures reports and exports, and writes the table "
            "to bench-results/. Use `make bench`.")

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--clients", type=int, default=8)
        parser.add_argument("--duration", type=float, default=10.0, help="seconds per page")
        parser.add_argument("--warmup", type=float, default=2.0)
        parser.add_argument("--no-csv", action="store_true",
                            help="skip the 100,000-row CSV export (it needs its own database)")
        parser.add_argument("--output", default=str(settings.BASE_DIR / "bench-results"))
        parser.add_argument("--storm", action="store_true",
                            help="run the autosave storm instead: staff typing in their "
                                 "municipalities' answers, two per municipality")
        parser.add_argument("--large", action="store_true",
                            help="growth instead: build (once) the scale-10 data set in a "
                                 "database of its own and compare cold pages at both scales")
        parser.add_argument("--editors", type=int, default=70)
        parser.add_argument("--storm-seconds", type=float, default=None,
                            help="how long the storm lasts (--storm: 180 s, the bench: 120 s)")
        parser.add_argument("--interval", type=float, default=1.5,
                            help="seconds between one editor's saves")
        parser.add_argument("--watchers", type=int, default=3,
                            help="prefecture staff reloading the status board during the storm")
        parser.add_argument("--pages", default="",
                            help="only these pages (names as in the table, comma-separated); "
                                 "the two floors are always driven")
        parser.add_argument("--no-measurements", action="store_true",
                            help="skip the reports, exports and similar-case measurements")

    def handle(self, *args, scale, clients, duration, warmup, no_csv, output, storm, editors,
               storm_seconds, interval, watchers, pages, no_measurements, large,
               **options):
        import os

        database = settings.DATABASES["default"]
        if database["ENGINE"] != "django.db.backends.postgresql":
            raise CommandError("The benchmark runs against PostgreSQL: set DATABASE_URL.")
        if settings.DEBUG:
            raise CommandError("The benchmark runs as in production: set DEBUG=0.")
        ensure_database(os.environ["DATABASE_URL"])
        if large:
            import time

            from devtools.benchmark import growth
            from devtools.benchmark.run import prepare

            started = time.perf_counter()
            prepare(scale, self.stdout.write)
            if not growth.benchmark(output=Path(output), say=self.stdout.write,
                                    started=started):
                raise CommandError("Pages grew more than allowed; see above.")
            return
        if storm:
            from devtools.benchmark import storm as autosave_storm

            if not autosave_storm.benchmark(editors=editors, duration=storm_seconds or 180.0,
                                            interval=interval, output=Path(output),
                                            say=self.stdout.write, watchers=watchers):
                raise CommandError("Drafts were lost or saves failed; see above.")
            return
        passed = benchmark(scale=scale, clients=clients, duration=duration, warmup=warmup,
                           csv=not no_csv, output=Path(output), say=self.stdout.write,
                           storm_options={"editors": editors, "interval": interval,
                                          "storm_seconds": storm_seconds or 120.0,
                                          "watchers": watchers},
                           only={name.strip() for name in pages.split(",") if name.strip()},
                           measurements=not no_measurements)
        if not passed:
            raise CommandError("Some targets were missed; see the table above.")
