import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from collaboration.models import Initiative, SynonymGroup
from collaboration.search import matching
from collaboration.synonyms import dictionary, expansions
from portal.models import AuditEntry
from tests.conftest import HOME_CODE
from tests.factories import UserFactory, municipality_org

pytestmark = pytest.mark.django_db


def found(query):
    return set(Initiative.objects.filter(matching(query, dictionary()))
               .values_list("title", flat=True))


def titles(response) -> str:
    return response.content.decode()


@pytest.fixture
def digital_cases(initiative_factory):
    initiative_factory("情報システムの共同化", fields=("情報システム・DX",))
    initiative_factory("DX推進の研究会", fields=("行財政",), methods=("研究会",))
    initiative_factory("デジタル人材の共同確保", fields=("行財政",))
    initiative_factory("観光協議会", methods=("協議会",), fields=("観光",))


def test_the_portal_ships_a_starter_dictionary_for_the_policys_fields():
    groups = [set(words) for words in SynonymGroup.objects.values_list("words", flat=True)]
    for expected in ({"ICT", "情報システム", "DX", "デジタル"}, {"除雪", "雪対策"},
                     {"移住", "定住", "UIJターン"}, {"公共交通", "バス", "デマンド交通"}):
        assert any(expected <= group for group in groups), expected


def test_a_word_finds_its_whole_group(digital_cases):
    expected = {"情報システムの共同化", "DX推進の研究会", "デジタル人材の共同確保"}
    assert found("ICT") == expected
    assert found("dx") == expected


def test_full_width_and_other_forms_find_the_group(digital_cases):
    assert found("ＩＣＴ") == found("ict") == found("ﾃﾞｼﾞﾀﾙ") == found("ICT")
    assert "情報システムの共同化" in found("ＩＣＴ")


def test_without_the_dictionary_a_word_finds_only_itself(digital_cases):
    assert set(Initiative.objects.filter(matching("ICT")).values_list("title", flat=True)) \
        == set()


def test_several_words_are_still_all_required(digital_cases):
    assert found("ICT 研究会") == {"DX推進の研究会"}


def test_expansions_name_the_other_words_as_staff_wrote_them():
    [expansion] = expansions("ＩＣＴ", dictionary())
    assert expansion.word == "ＩＣＴ"
    assert expansion.synonyms[:3] == ("情報システム", "DX", "デジタル")
    assert expansions("水道", dictionary()) == []


def test_the_catalogue_says_which_synonyms_it_searched(client, municipal_user, digital_cases):
    client.force_login(municipal_user)
    page = titles(client.get(reverse("initiative_list"), {"q": "ＩＣＴ"}))
    assert "ＩＣＴ（同義語：情報システム、DX、デジタル" in page
    assert "を含めて検索" in page
    assert "情報システムの共同化" in page and "デジタル人材の共同確保" in page
    assert "観光協議会" not in page


def test_prefecture_staff_add_change_and_remove_a_group_and_it_is_audited(
        client, prefecture_user, initiative_factory):
    initiative_factory("融雪装置の共同管理", fields=("防災",))
    client.force_login(prefecture_user)
    assert "ICT" in titles(client.get(reverse("synonym_list")))
    response = client.post(reverse("synonym_add"), {"words": "消雪\n融雪、ロードヒーティング"})
    assert response.status_code == 302
    group = SynonymGroup.objects.order_by("-pk").first()
    assert group.words == ["消雪", "融雪", "ロードヒーティング"]
    assert found("消雪") == {"融雪装置の共同管理"}
    content_type = ContentType.objects.get_for_model(SynonymGroup)
    assert AuditEntry.objects.get(content_type=content_type, object_id=str(group.pk),
                                  action="create").actor == prefecture_user

    response = client.post(reverse("synonym_edit", args=[group.pk]), {"words": "消雪, 散水"})
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.words == ["消雪", "散水"]
    assert found("消雪") == set()

    response = client.post(reverse("synonym_delete", args=[group.pk]))
    assert response.status_code == 302
    assert not SynonymGroup.objects.filter(pk=group.pk).exists()
    assert AuditEntry.objects.filter(content_type=content_type, object_id=str(group.pk),
                                     action="delete").exists()


@pytest.mark.parametrize("words, message", [
    ("消雪", "少なくとも2語"),
    ("ｼｮｳｾﾂ\nショウセツ\nしょうせつ", "少なくとも2語"),
    ("ＩＣＴ\n電算", "すでにグループ"),
    ("消雪\n" + "あ" * 61, "60文字"),
])
def test_a_bad_group_is_refused_with_a_message(client, prefecture_user, words, message):
    client.force_login(prefecture_user)
    before = list(SynonymGroup.objects.values_list("words", flat=True))
    response = client.post(reverse("synonym_add"), {"words": words})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(SynonymGroup.objects.values_list("words", flat=True)) == before


def test_a_group_keeps_its_own_words_when_edited(client, prefecture_user):
    group = next(g for g in SynonymGroup.objects.all() if "ICT" in g.words)
    client.force_login(prefecture_user)
    response = client.post(reverse("synonym_edit", args=[group.pk]),
                           {"words": "\n".join([*group.words, "電算"])})
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.words[-1] == "電算"


@pytest.mark.parametrize("role", ["branch", "municipal", "other_municipal"])
def test_others_may_not_edit_the_dictionary(client, users_by_role, role):
    group = SynonymGroup.objects.first()
    client.force_login(users_by_role[role])
    assert client.get(reverse("synonym_list")).status_code == 403
    assert client.post(reverse("synonym_add"), {"words": "あ\nい"}).status_code == 403
    assert client.post(reverse("synonym_edit", args=[group.pk]),
                       {"words": "あ\nい"}).status_code == 403
    assert client.post(reverse("synonym_delete", args=[group.pk])).status_code == 403
    assert SynonymGroup.objects.filter(pk=group.pk).exists()


def test_a_missing_group_is_not_found(client, prefecture_user):
    client.force_login(prefecture_user)
    assert client.get(reverse("synonym_edit", args=[999999])).status_code == 404
    assert client.post(reverse("synonym_delete", args=[999999])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("synonym_list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_cached_search_page_follows_the_dictionary(client, prefecture_user, municipal_user,
                                                     initiative_factory, settings):
    settings.PAGE_CACHE = True
    initiative_factory("融雪装置の共同管理", fields=("防災",))
    colleague = UserFactory(organisation=municipality_org(HOME_CODE), username="yamagata2")
    url = reverse("initiative_list") + "?q=消雪"
    client.force_login(municipal_user)
    assert "融雪装置の共同管理" not in titles(client.get(url))
    client.force_login(colleague)
    assert "融雪装置の共同管理" not in titles(client.get(url))  # the shared page, cached

    client.force_login(prefecture_user)
    client.post(reverse("synonym_add"), {"words": "消雪\n融雪"})

    client.force_login(colleague)
    page = titles(client.get(url))
    assert "融雪装置の共同管理" in page and "消雪（同義語：融雪）" in page
    client.force_login(municipal_user)
    assert "融雪装置の共同管理" in titles(client.get(url))
    export = client.get(reverse("initiative_export_csv") + "?q=消雪")
    assert "融雪装置の共同管理" in b"".join(export.streaming_content).decode("utf-8-sig")
