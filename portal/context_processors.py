from django.conf import settings


def portal(request):
    from . import public_site

    # A callable: templates ask it only where they need it (the menu of anonymous visitors).
    return {"DEMO_MODE": settings.DEMO_MODE, "public_site": public_site.is_on}
