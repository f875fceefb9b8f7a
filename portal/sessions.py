"""Sessions kept in the database and read through the cache: a signed-in request skips the
session query while Redis answers. The database stays the record, so a Redis that is down
or emptied logs nobody out: every cache call that fails falls back to the database, and the
page cache's back-off (portal/lib/caching.py) spares each request a connection attempt."""

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

from .lib import caching


class SessionStore(CachedDBStore):
    """Django's cached_db whose cache calls never fail a request (Django 5.2 guards only the
    read and the save)."""

    def _cached(self, what: str, call, default=None):
        if not caching._usable():
            return default
        try:
            return call()
        except Exception:
            caching._failed(f"session {what}")
            return default

    @staticmethod
    def _kept_for(expiry_age: int) -> int:
        # Briefly: a logout or an ended session that could not reach a Redis which was down
        # must not come back with it for longer than any other cached value.
        return min(expiry_age, caching.TIMEOUT)

    def load(self):
        data = self._cached("read", lambda: self._cache.get(self.cache_key))
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        self._cached("keep", lambda: self._cache.set(
            self.cache_key, data, self._kept_for(self.get_expiry_age(expiry=stored.expire_date))))
        return data

    def exists(self, session_key):
        if session_key and self._cached(
                "lookup", lambda: (self.cache_key_prefix + session_key) in self._cache, False):
            return True
        return super(CachedDBStore, self).exists(session_key)

    def save(self, must_create=False):
        super(CachedDBStore, self).save(must_create)
        self._cached("save", lambda: self._cache.set(self.cache_key, self._session,
                                                     self._kept_for(self.get_expiry_age())))

    def delete(self, session_key=None):
        super(CachedDBStore, self).delete(session_key)
        session_key = session_key or self.session_key
        if session_key is not None:
            # Forgotten even in the back-off: a stale copy would outlive a logout otherwise.
            try:
                self._cache.delete(self.cache_key_prefix + session_key)
            except Exception:
                caching._failed("session delete")
