from django.conf import settings
from django.core.management.base import BaseCommand

from devtools.demo import LOADERS
from devtools.demo.portal import create_demo_statistics, create_demo_users
from portal.demo_logins import DEMO_PASSWORD, demo_logins


class Command(BaseCommand):
    help = "Adds demo accounts and demo statistics (labelled as demo values); safe to re-run."

    def handle(self, *args, **options):
        users = create_demo_users()
        figures = create_demo_statistics()
        self.stdout.write(self.style.SUCCESS(
            f"Demo data: {users} new accounts, {figures} new demo figures."))
        for loader in LOADERS:
            self.stdout.write(self.style.SUCCESS(loader()))
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        municipal = 0
        for login in demo_logins():
            if login.username.removeprefix("demo-").isdigit():
                municipal += 1
            else:
                self.stdout.write(f"  {login.username:<16} {login.role} {login.organisation}")
        self.stdout.write(f"  demo-<団体コード>  {municipal} municipal accounts, "
                          "e.g. demo-062014 (山形市), demo-063657 (大蔵村)")
        if not settings.DEMO_MODE:
            self.stdout.write(self.style.WARNING("DEMO_MODE is off: the login page hides these."))
