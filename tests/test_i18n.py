"""Choosing a language, text direction and locale formats."""

from datetime import date

import pytest

from prepplan.i18n import SITE_LANGUAGES, site_language
from prepplan.phones import for_reader as format_phone
from tests.walk import FlowWalker


def test_the_first_screen_lists_every_language_in_its_own_script(client):
    page = client.get("/").get_data(as_text=True)
    for language in SITE_LANGUAGES:
        assert language.native_name in page
        assert f'href="/{language.slug}/"' in page
    assert "العربية" in page and "简体中文" in page and "Kreyòl ayisyen" in page


@pytest.mark.parametrize(
    "header, slug",
    [
        ("es-MX,es;q=0.9,en;q=0.5", "es"),
        ("pt-BR,pt;q=0.9", "pt-BR"),
        ("pt-PT", "pt-BR"),
        ("zh-CN,zh;q=0.9", "zh-Hans"),
        ("ar-EG", "ar"),
        ("ht", "ht"),
        ("de-DE", "en"),
    ],
)
def test_accept_language_sets_the_default(client, header, slug):
    page = client.get("/", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{slug}"' in page
    # the browser's language is offered first
    first = site_language(slug)
    assert page.index(first.native_name) < min(
        page.index(other.native_name) for other in SITE_LANGUAGES if other != first
    )


@pytest.mark.parametrize("language", SITE_LANGUAGES, ids=lambda lang: lang.code)
def test_the_url_carries_the_language_and_its_direction(client, language):
    page = client.get(f"/{language.slug}/plan/parents").get_data(as_text=True)
    expected = "rtl" if language.code == "ar" else "ltr"
    assert f'<html lang="{language.slug}" dir="{expected}">' in page
    # links stay in the same language
    assert f'href="/{language.slug}/plan/parents/0"' in page


def test_arabic_pages_are_right_to_left_everywhere(client, example_plan):
    FlowWalker(client, "ar").walk(example_plan)
    for path in [
        "/ar/",
        "/ar/plan/parents",
        "/ar/plan/children/0",
        "/ar/plan/contacts",
        "/ar/plan/caregiver",
        "/ar/plan/check",
        "/ar/plan/done",
        "/ar/privacy",
        "/ar/plan/upload",
        "/ar/missing",
    ]:
        page = client.get(path).get_data(as_text=True)
        assert '<html lang="ar" dir="rtl">' in page, path
    check = client.get("/ar/plan/check").get_data(as_text=True)
    # phone numbers keep their own direction inside Arabic text
    assert '<span dir="ltr" class="ltr">' in check


def test_the_language_page_keeps_the_place_in_the_flow(client):
    page = client.get("/languages?next=/es/plan/contacts").get_data(as_text=True)
    assert 'href="/vi/plan/contacts"' in page
    assert 'href="/ar/plan/contacts"' in page
    # a foreign address never becomes a link
    hostile = client.get("/languages?next=//evil.example/x").get_data(as_text=True)
    assert "evil.example" not in hostile


@pytest.mark.parametrize("query", ["", "lang=xx", "name=address", "_external=1", "_anchor=top"])
def test_the_language_switch_ignores_query_words_named_like_its_own(client, query):
    """A query word named like the page's own arguments or url_for's options (a link someone
    shared, a typo) neither breaks the page nor changes where the switch leads."""
    response = client.get(f"/es/plan/address?{query}")
    assert response.status_code == 200
    assert 'formaction="/en/plan/address?switch=language"' in response.get_data(as_text=True)


def test_phone_numbers_read_as_their_reader_expects(app):
    with app.test_request_context():
        assert format_phone("+15085550142", "en") == "(508) 555-0142"
        assert format_phone("+15085550142", "es") == "(508) 555-0142"
        assert format_phone("+15085550142", "vi") == "+1 508-555-0142"
        assert format_phone("+525512345678", "en") == "+52 55 1234 5678"
        assert format_phone("not a number", "en") == "not a number"


def test_dates_are_shown_in_the_locale_format(client):
    FlowWalker(client, "en").post("children/0", {"given_name": "A", "date_of_birth": "2015-04-03"})
    assert 'value="4/3/2015"' in client.get("/en/plan/children/0").get_data(as_text=True)
    assert 'value="3/4/2015"' in client.get("/es/plan/children/0").get_data(as_text=True)
    assert 'value="2015/4/3"' in client.get("/zh-Hans/plan/children/0").get_data(as_text=True)
    assert date(2015, 4, 3).year == 2015


def test_every_language_has_a_draft_notice_until_reviewed(client):
    from prepplan.i18n import review_status

    for language in SITE_LANGUAGES:
        page = client.get(f"/{language.slug}/").get_data(as_text=True)
        if review_status(language.code) == "reviewed":
            assert 'class="draft-notice"' not in page
        else:
            assert 'class="draft-notice"' in page, language.code


def test_lists_are_joined_as_each_language_joins_them(app):
    from prepplan.i18n import format_list

    with app.test_request_context():
        assert format_list(["Ana", "Luis"], "es") == "Ana y Luis"
        assert format_list(["安娜", "路易斯"], "zh_Hans") == "安娜和路易斯"
        assert format_list(["<b>", "Luis"], "en") == "&lt;b&gt; and Luis"
        assert format_list(["solo"], "ar") == "solo"


def test_the_language_page_speaks_the_language_of_the_page_it_came_from(client):
    page = client.get("/languages?next=/ar/plan/contacts").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert "Delete everything now" not in page
    english = client.get("/languages").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in english
