"""Meetings as iCalendar (RFC 5545): one UID per meeting, SEQUENCE raised with each change."""

import datetime

from django.conf import settings
from icalendar import Calendar, Event, Timezone, TimezoneStandard, vCalAddress, vText

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


def _address(email: str, name: str, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = vText(name)
    address.params.update(params)
    return address


def _add_people(event: Event, seats) -> None:
    """RFC 5546: a REQUEST or CANCEL names its organizer, and each member is an attendee, so
    calendar clients treat the notice as an invitation rather than a plain event."""
    event.add("organizer", _address(settings.MEETING_ORGANIZER_EMAIL,
                                    settings.MEETING_ORGANIZER_NAME))
    for seat in seats:
        event.add("attendee", _address(
            seat.address, seat.name,
            ROLE="CHAIR" if seat.is_chair else "REQ-PARTICIPANT", PARTSTAT="NEEDS-ACTION",
            RSVP="FALSE", CUTYPE="INDIVIDUAL"))


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
    if meeting.venue and meeting.online_url:  # the link, where LOCATION holds the venue
        event.add("description", f"オンライン参加：{meeting.online_url}")
    event.add("url", settings.PORTAL_BASE_URL.rstrip("/") + meeting.get_absolute_url())
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def calendar(meetings, *, method: str | None = None, seats=(),
             name: str | None = None) -> bytes:
    """An iCalendar file: a notice (``method`` REQUEST or CANCEL, to ``seats``) or a feed
    (no method, ``name`` shown by calendar apps)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", "Asia/Tokyo")
    cal.add_component(_tokyo())
    for meeting in meetings:
        event = _event(meeting, cancelled=meeting.status == meeting.Status.CANCELLED)
        if method:
            _add_people(event, seats)
        cal.add_component(event)
    return cal.to_ical()
