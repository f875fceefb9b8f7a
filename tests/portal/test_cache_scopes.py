"""Two users share a cached piece of page only when the policy shows them the same rows and
controls: a proposer's own proposal never reaches a colleague of the same municipality."""

import pytest
from django.urls import reverse

from collaboration.models import Category, Initiative, Method, PolicyField
from collaboration.services.initiatives import initiative_create, initiative_update
from portal.models import Municipality
from tests.factories import UserFactory, municipality_org

pytestmark = pytest.mark.django_db


def _propose(proposer, title):
    return initiative_create(actor=proposer, values={
        "title": title, "summary": f"{title}の概要", "category": Category.objects.get(code="I-2"),
        "scope": Initiative.Scope.GROUP, "status": Initiative.Status.IDEA,
    }, relations={"methods": list(Method.objects.all()[:1]),
                  "policy_fields": list(PolicyField.objects.all()[:1])})


@pytest.fixture
def proposal_outside_its_municipality(prefecture_user):
    """A 山形市 proposal from which the prefecture has since taken 山形市 off: only its
    proposer, of all the staff of 山形市, may still see and edit it."""
    proposer = UserFactory(organisation=municipality_org("062014"), username="proposer")
    colleague = UserFactory(organisation=municipality_org("062014"), username="colleague")
    proposal = _propose(proposer, "提案者だけの取組み案")
    initiative_update(actor=prefecture_user, initiative=proposal, values={}, relations={
        "municipalities": list(Municipality.objects.filter(lg_code="062103"))})  # 天童市
    return proposer, colleague, proposal


def test_a_colleague_is_not_served_the_proposers_unpublished_proposal(
        client, proposal_outside_its_municipality):
    proposer, colleague, proposal = proposal_outside_its_municipality
    client.force_login(proposer)
    assert "提案者だけの取組み案" in client.get(reverse("initiative_list")).content.decode()
    client.force_login(colleague)
    page = client.get(reverse("initiative_list")).content.decode()
    assert "提案者だけの取組み案" not in page
    assert proposal.get_absolute_url() not in page


def test_a_colleague_is_not_served_the_proposers_edit_link(
        client, prefecture_user, proposal_outside_its_municipality):
    from collaboration.services.initiatives import initiative_publish

    proposer, colleague, proposal = proposal_outside_its_municipality
    initiative_publish(actor=prefecture_user, initiative=proposal)
    edit = reverse("initiative_edit", args=[proposal.pk])
    client.force_login(proposer)
    assert edit in client.get(proposal.get_absolute_url()).content.decode()
    client.force_login(colleague)
    page = client.get(proposal.get_absolute_url())
    assert page.status_code == 200  # published: everyone reads it
    assert edit not in page.content.decode()
    assert client.get(edit).status_code == 404


def test_colleagues_without_proposals_share_their_pages(client, proposal_outside_its_municipality):
    """The key carries the proposer only for those who have proposals: the others of the
    municipality still share one cached catalogue."""
    from portal.lib import caching

    proposer, colleague, _proposal = proposal_outside_its_municipality
    another = UserFactory(organisation=municipality_org("062014"), username="another")
    assert caching.scope_key(colleague, (Initiative,)) == caching.scope_key(another, (Initiative,))
    assert caching.scope_key(proposer, (Initiative,)) != caching.scope_key(colleague, (Initiative,))


def test_a_fragment_asking_a_personal_rule_it_is_not_keyed_on_is_refused(rf, municipal_user):
    """The key and the rule cannot drift apart: a shared fragment built with a policy that
    reads the user personally, without naming that policy's model in ``reads``, fails."""
    from django.core.exceptions import ImproperlyConfigured

    from collaboration.selectors import visible_initiatives
    from portal.lib import caching

    request = rf.get("/")
    request.user, request.LANGUAGE_CODE = municipal_user, "ja"

    def build():
        return str(visible_initiatives(municipal_user).count())

    with pytest.raises(ImproperlyConfigured, match="InitiativePolicy"):
        caching.fragment(request, "probe", ("initiatives",), (), build)
    assert caching.fragment(request, "probe", ("initiatives",), (), build,
                            reads=(Initiative,)) == "0"


def test_council_seats_are_kept_per_member_but_shared_by_prefecture_staff(
        prefecture_user, municipal_user):
    from meetings.models import Body
    from portal.lib import caching

    colleague = UserFactory(organisation=municipal_user.organisation)
    staff = UserFactory(prefecture=True)
    assert caching.scope_key(municipal_user, (Body,)) != caching.scope_key(colleague, (Body,))
    assert caching.scope_key(prefecture_user, (Body,)) == caching.scope_key(staff, (Body,))
