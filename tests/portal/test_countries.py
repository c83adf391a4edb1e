"""Country names as a portal of Chinese colleges must give them, in the order
each language's readers expect (settings.COUNTRIES_OVERRIDE, portal.countries)."""

import re
import unicodedata
from html import unescape

import pytest
from django.utils import translation
from django_countries.fields import Country

from portal.countries import sorted_countries

CHINESE = {
    "NP": "尼泊尔",
    "TJ": "塔吉克斯坦",
    "BA": "波斯尼亚和黑塞哥维那",
    "BW": "博茨瓦纳",
    "GF": "法属圭亚那",
    "WS": "萨摩亚",
    "AS": "美属萨摩亚",
    "DM": "多米尼克",
    "DO": "多米尼加",
    "KG": "吉尔吉斯斯坦",
    "MK": "北马其顿",
    "KM": "科摩罗",
    "CC": "科科斯（基林）群岛",
    "TW": "中国台湾",
    "HK": "中国香港",
    "MO": "中国澳门",
}
ENGLISH = {
    "TW": "Taiwan, China",
    "HK": "Hong Kong SAR, China",
    "MO": "Macao SAR, China",
    "WS": "Samoa",
    "DM": "Dominica",
}


@pytest.mark.parametrize(("code", "name"), CHINESE.items())
def test_chinese_name(code, name):
    with translation.override("zh-hans"):
        assert Country(code).name == name


@pytest.mark.parametrize(("code", "name"), ENGLISH.items())
def test_english_name(code, name):
    with translation.override("en"):
        assert Country(code).name == name


def test_chinese_names_are_written_as_chinese_is():
    names = [name for _code, name in sorted_countries("zh-hans")]
    assert not [n for n in names if re.search(r"[()]", n) or n != n.strip()]
    # Each name once: Samoa is not American Samoa again.
    assert len(set(names)) == len(names)


def nationality_options(client, language):
    url = f"/{language}/institutions/jinhua-polytechnic/inquire/"
    html = client.get(url).content.decode()
    select = re.search(r'<select name="nationality".*?</select>', html, re.S).group()
    return [
        unescape(n) for n in re.findall(r'<option value="[A-Z]{2}">([^<]*)', select)
    ]


def test_the_chinese_form_lists_countries_in_pinyin_order(client, jinhua):
    names = nationality_options(client, "zh-hans")
    assert names[:3] == ["阿尔巴尼亚", "阿尔及利亚", "阿富汗"]
    assert names[-5:] == ["中非共和国", "中国", "中国澳门", "中国台湾", "中国香港"]
    in_order = [
        "埃及",  # ai1
        "爱尔兰",  # ai4
        "安道尔",  # an
        "巴西",  # ba
        "北马其顿",  # bei
        "佛得角",  # fo, not fu
        "尼泊尔",  # ni
        "萨摩亚",  # sa
        "塞浦路斯",  # sai
        "塔吉克斯坦",  # ta
        "印度",  # yin
        "越南",  # yue
    ]
    assert [n for n in names if n in in_order] == in_order
    assert len(names) == 249


def ascii_fold(name):
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def test_the_english_form_lists_countries_alphabetically(client, jinhua):
    names = nationality_options(client, "en")
    assert names == sorted(names, key=ascii_fold)
    assert names.index("Honduras") < names.index("Hong Kong SAR, China")
    assert names.index("Hong Kong SAR, China") < names.index("Hungary")
    assert "Taiwan, China" in names and "Macao SAR, China" in names
