"""A test outbox with a moment in the middle of sending, when something else runs, as another
worker would while this one is still talking to the mail server."""

from django.core.mail.backends import locmem

during_send: list = []  # callables, each run once, before the next message is delivered


class PausingBackend(locmem.EmailBackend):
    def send_messages(self, messages):
        while during_send:
            during_send.pop(0)()
        return super().send_messages(messages)
