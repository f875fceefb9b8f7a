"""Open data: the published initiatives as files and an Atom feed of new cases."""

from django.contrib.syndication.views import Feed
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy

from portal.lib.permissions import access
from portal.lib.spreadsheets import CsvWriter
from portal.public_site import PUBLIC_SITE, shared_for_anonymous

from .. import opendata, selectors
from ..exports import _Echo

FEED_SIZE = 30


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _licensed(response):
    # The licence travels with each file, for programs that never see the page.
    response["Link"] = f'<{opendata.LICENCE_URL}>; rel="license"'
    return response


def _csv(filename: str, header: list[str], body) -> StreamingHttpResponse:
    writer = CsvWriter(_Echo())

    def stream():
        yield "\ufeff"  # the byte order mark tells Excel the file is UTF-8
        yield writer.writerow(header)
        for row in body:
            yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _licensed(response)


def _published():
    return opendata.for_export(selectors.public_initiatives())


@shared_for_anonymous("opendata")
@access(PUBLIC_SITE)
def opendata_page(request):
    return render(request, "collaboration/opendata.html", {
        "count": selectors.public_initiatives().count(),
        "licence": opendata, "initiative_columns": opendata.INITIATIVE_COLUMNS,
        "participant_columns": opendata.PARTICIPANT_COLUMNS,
        "classification_columns": opendata.CLASSIFICATION_COLUMNS,
    })


@access(PUBLIC_SITE)
def opendata_initiatives_csv(request):
    return _csv("initiatives.csv", opendata.INITIATIVE_COLUMNS,
                opendata.initiative_rows(_published(), _base_url(request)))


@access(PUBLIC_SITE)
def opendata_participants_csv(request):
    return _csv("initiative-participants.csv", opendata.PARTICIPANT_COLUMNS,
                opendata.participant_rows(_published()))


@access(PUBLIC_SITE)
def opendata_classifications_csv(request):
    return _csv("initiative-classifications.csv", opendata.CLASSIFICATION_COLUMNS,
                opendata.classification_rows(_published()))


@access(PUBLIC_SITE)
def opendata_json(request):
    response = StreamingHttpResponse(opendata.json_chunks(_published(), _base_url(request)),
                                     content_type="application/json; charset=utf-8")
    return _licensed(response)


class NewCasesFeed(Feed):
    """The most recently published initiatives, newest first."""

    feed_type = Atom1Feed
    title = gettext_lazy("Renkei Portal: newly published collaboration initiatives")
    subtitle = gettext_lazy("Initiatives and case studies of the Yamagata prefecture–"
                            "municipality collaboration programme, as they are published.")
    feed_copyright = f"{opendata.LICENCE} ({opendata.LICENCE_URL}) {opendata.PUBLISHER}"

    def link(self):
        return reverse("initiative_list")

    def items(self):
        return opendata.for_export(selectors.public_initiatives()).order_by(
            "-published_on", "-pk")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.published_on

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [f"{item.category.label} {item.category.name}"]

    def item_author_name(self, item):
        # The organisation, never a person.
        return str(item.lead_organisation or opendata.PUBLISHER)

    def item_copyright(self, item):
        return opendata.LICENCE


_feed = NewCasesFeed()


@access(PUBLIC_SITE)
def opendata_feed(request):
    response = _feed(request)
    return _licensed(response)
