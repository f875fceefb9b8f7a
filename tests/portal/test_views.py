import re

import pytest
from django.urls import reverse

from devtools.demo.portal import DEMO_PASSWORD, create_demo_statistics, create_demo_users
from portal.models import Indicator, Municipality, StatisticValue

pytestmark = pytest.mark.django_db


def test_pages_require_login(client):
    for url in [reverse("home"), reverse("municipality_list"),
                reverse("municipality_detail", args=["062014"])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login") + "?next=")


def test_login_page_is_japanese_and_shows_demo_logins_only_in_demo_mode(client, settings):
    create_demo_users()
    settings.DEMO_MODE = True
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="ja">' in page and "ログイン" in page
    assert "demo-pref" in page and DEMO_PASSWORD in page
    settings.DEMO_MODE = False
    page = client.get(reverse("login")).content.decode()
    assert "demo-pref" not in page and DEMO_PASSWORD not in page


def test_a_user_logs_in_with_the_form(client, municipal_user):
    response = client.post(reverse("login"), {"username": "yamagata", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("home")
    assert "山形市" in client.get(reverse("home")).content.decode()


def test_a_wrong_password_gets_a_clear_message(client, municipal_user):
    response = client.post(reverse("login"), {"username": "yamagata", "password": "wrong"})
    assert response.status_code == 200
    assert "正しいユーザー名とパスワードを入力してください" in response.content.decode()


def test_logout_is_a_post(client, municipal_user):
    client.force_login(municipal_user)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_change_enforces_strong_passwords(client, municipal_user):
    client.force_login(municipal_user)
    url = reverse("password_change")
    weak = client.post(url, {"old_password": DEMO_PASSWORD, "new_password1": "12345678",
                             "new_password2": "12345678"})
    assert weak.status_code == 200 and "このパスワードは短すぎます" in weak.content.decode()
    strong = "Zao-onsen-juhyo-2026"
    done = client.post(url, {"old_password": DEMO_PASSWORD, "new_password1": strong,
                             "new_password2": strong})
    assert done.status_code == 302
    municipal_user.refresh_from_db()
    assert municipal_user.check_password(strong)


def test_home_shows_each_role_what_concerns_it(client, users_by_role):
    create_demo_statistics()
    expectations = {
        "prefecture": "デモ値",
        "municipal": "山形市",
        "branch": "村山",
        "other_branch": "庄内",
        "other_municipal": "大蔵村",
    }
    for role, text in expectations.items():
        client.force_login(users_by_role[role])
        page = client.get(reverse("home")).content.decode()
        assert text in page, role


def test_home_warns_prefecture_staff_about_missing_population_figures(client, prefecture_user):
    create_demo_statistics()
    StatisticValue.objects.filter(municipality__lg_code="063657", indicator="population",
                                  year=2025).delete()
    client.force_login(prefecture_user)
    page = client.get(reverse("home")).content.decode()
    assert "1団体" in page and "2025" in page


def test_municipality_list_groups_by_region_in_code_order(client, municipal_user,
                                                          django_assert_max_num_queries):
    client.force_login(municipal_user)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("municipality_list"))
    page = response.content.decode()
    codes = re.findall(r"<td><code>(\d{6})</code></td>", page)
    assert len(codes) == 35
    murayama = codes[:14]
    assert murayama == sorted(murayama) and murayama[0] == "062014"
    positions = [page.index(f"{region}地域") for region in ("村山", "最上", "置賜", "庄内")]
    assert positions == sorted(positions)


def test_municipality_list_draws_the_tile_map_with_a_legend(client, municipal_user):
    client.force_login(municipal_user)
    page = client.get(reverse("municipality_list")).content.decode()
    assert page.count('class="tile tile--region-') == 35
    assert 'aria-label="遊佐町：庄内"' in page
    assert "村山 (14団体)" in page and "最上 (8団体)" in page


def test_municipality_page_shows_profile_statistics_and_demo_labels(
        client, other_municipal_user, django_assert_max_num_queries):
    create_demo_statistics()
    client.force_login(other_municipal_user)
    # session, user, municipality, figures, initiatives and their count, answers, the latest
    # answer for 横展開の候補, councils
    with django_assert_max_num_queries(10):
        response = client.get(reverse("municipality_detail", args=["062014"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "山形市" in page and "やまがたし" in page and "062014" in page and "東南村山" in page
    assert "デモ値" in page and 'class="badge badge--demo"' in page
    assert page.count('class="bar--actual"') == 6 and page.count('class="bar--projected"') == 5
    assert "令和7年 (2025)" in page
    assert "調査への回答" not in page and "会議・ワーキングチーム" not in page  # none it may see


def test_municipality_page_shows_imported_figures_without_demo_label(client, municipal_user):
    yamagata = Municipality.objects.get(lg_code="062014")
    StatisticValue.objects.create(municipality=yamagata, indicator=Indicator.POPULATION,
                                  year=2025, value=238000, source="山形県の人口と世帯数",
                                  as_of="2025-10-01")
    client.force_login(municipal_user)
    page = client.get(reverse("municipality_detail", args=["062014"])).content.decode()
    assert "238,000人" in page and "山形県の人口と世帯数" in page
    assert "badge--demo" not in page


@pytest.mark.parametrize("code", ["062015", "999999", "abc", "0620140"])
def test_unknown_or_invalid_codes_are_404(client, municipal_user, code):
    client.force_login(municipal_user)
    assert client.get(f"/municipalities/{code}/").status_code == 404


def test_english_is_available_as_a_second_language(client, municipal_user):
    client.force_login(municipal_user)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/municipalities/"})
    assert response.status_code == 302
    page = client.get(reverse("municipality_list")).content.decode()
    assert '<html lang="en">' in page and "Municipalities" in page


def test_an_english_browser_still_gets_japanese_by_default(client, municipal_user):
    client.force_login(municipal_user)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    assert '<html lang="ja">' in page


def test_the_page_loads_nothing_from_outside_the_portal(client, municipal_user):
    client.force_login(municipal_user)
    page = client.get(reverse("municipality_list")).content.decode()
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', page)
    assert external == []


def test_the_map_can_be_coloured_by_a_statistic_with_legend_and_values(
        client, branch_user, django_assert_max_num_queries):
    create_demo_statistics()
    client.force_login(branch_user)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("municipality_list"), {"colour": "ageing_rate"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "高齢化率（65歳以上）の市町村別 (2025)" in page
    shaded = re.findall(r'class="tile (tile--scale-\d)"', page)
    assert len(shaded) == 35 and {"tile--scale-1", "tile--scale-5"} <= set(shaded)
    # The table is the text equivalent: every value is listed beside its municipality.
    assert len(re.findall(r'<td class="num">\d+(?:\.\d+)?%</td>', page)) == 35
    assert "デモ値" in page


def test_the_darkest_tiles_hold_the_highest_values(client, branch_user):
    for code, rate in (("062014", "30"), ("063657", "50")):
        StatisticValue.objects.create(municipality=Municipality.objects.get(lg_code=code),
                                      indicator="ageing_rate", year=2025, value=rate,
                                      source="出典", as_of="2025-10-01")
    client.force_login(branch_user)
    page = client.get(reverse("municipality_list"), {"colour": "ageing_rate"}).content.decode()
    # Two values, two steps, each named by its value.
    assert 'class="tile tile--scale-5" aria-label="大蔵村：50%"' in page
    assert 'class="tile tile--scale-1" aria-label="山形市：30%"' in page
    assert page.count("tile--no-data") == 33 + 1  # 33 tiles and the legend entry


def test_an_unknown_colour_choice_is_a_400_with_a_message(client, branch_user):
    client.force_login(branch_user)
    response = client.get(reverse("municipality_list"), {"colour": "<script>"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "正しく選択してください" in page and "<script>" not in page
    assert page.count('class="tile tile--region-') == 35
