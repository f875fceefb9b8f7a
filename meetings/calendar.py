"""Meetings as iCalendar (RFC 5545): one UID per meeting, SEQUENCE raised with each change."""

import datetime

from django.conf import settings
from icalendar import Calendar, Event, Timezone, TimezoneStandard

PRODID = "-//Yamagata Prefecture//Renkei Portal//JA"


def _tokyo() -> Timezone:
    # Japan has had no daylight saving time since 1951: one STANDARD rule is the whole zone.
    zone = Timezone()
    zone.add("tzid", "Asia/Tokyo")
    standard = TimezoneStandard()
    standard.add("dtstart", datetime.datetime(1970, 1, 1))
    standard.add("tzoffsetfrom", datetime.timedelta(hours=9))
    standard.add("tzoffsetto", datetime.timedelta(hours=9))
    standard.add("tzname", "JST")
    zone.add_component(standard)
    return zone


def _event(meeting, *, cancelled: bool) -> Event:
    from zoneinfo import ZoneInfo

    tokyo = ZoneInfo("Asia/Tokyo")
    event = Event()
    event.add("uid", f"{meeting.uid}@renkei-portal")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", datetime.datetime.now(datetime.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(tokyo))
    event.add("dtend", meeting.ends_at.astimezone(tokyo))
    event.add("summary", f"{meeting.body.name} 第{meeting.number}回"
              + (f"「{meeting.title}」" if meeting.title else ""))
    location = meeting.venue or meeting.online_url
    if location:
        event.add("location", location)
    event.add("url", settings.PORTAL_BASE_URL.rstrip("/") + meeting.get_absolute_url())
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def calendar(meetings, *, method: str | None = None) -> bytes:
    """An iCalendar file; ``method`` REQUEST or CANCEL for a notice, none for a feed."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    cal.add_component(_tokyo())
    for meeting in meetings:
        cal.add_component(_event(meeting, cancelled=meeting.status == meeting.Status.CANCELLED))
    return cal.to_ical()
