"""The import pages in English (issue 13): every string of plans/views_import.py and its templates has its
English in the catalogue, so an English reader sees no Chinese but the document's own words."""
import re

from django.urls import reverse

from plans.views_import import SESSION_KEY

CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]+")
SMALL = """关于印发《某区学前教育实施方案(2020—2021年)》的通知
二、重点任务
(一)实施学前教育提升工程
2020年新增3所公办幼儿园,公办园占比达到50%左右。
"""


def _visible(page: str) -> str:
    page = re.sub(r"<(script|style|select)\b.*?</\1>", " ", page, flags=re.S)  # the switchers list plan titles
    page = re.sub(r"<textarea\b.*?</textarea>", " ", page, flags=re.S)
    return re.sub(r"<[^>]*>", " ", page)


def _english(client):
    client.cookies["django_language"] = "en"
    return client


def test_upload_page_in_english_has_no_chinese(client, cast):
    client.force_login(cast.admin)
    page = _english(client).get(reverse("plans:import")).content.decode()
    assert "Import a plan" in page and "Read and review" in page and "Plan document (.docx or .txt)" in page
    assert CJK.findall(_visible(page)) == []


def test_upload_errors_in_english(client, cast):
    client.force_login(cast.admin)
    page = _english(client).post(reverse("plans:import"), {"text": "  "}).content.decode()
    assert "Upload a file or paste the plan&#x27;s full text" in page


def test_review_page_in_english_shows_chinese_only_from_the_document(client, cast):
    client.force_login(cast.admin)
    client.post(reverse("plans:import"), {"text": SMALL})
    proposal = client.session[SESSION_KEY]
    page = _english(client).get(reverse("plans:import_review")).content.decode()
    for words in ["Review the imported plan", "Confirm the import", "Issuing bodies", "Delete",
                  "The document has no yearly action tables"]:
        assert words in page, words
    document_words = {proposal["plan"]["title"], *(p["name"] for p in proposal["programmes"]),
                      *(p.get("source", "") for p in proposal["programmes"]),
                      *(t["name"] for t in proposal["targets"]), *(t["section"] for t in proposal["targets"])}
    shown = set(CJK.findall(_visible(page)))
    # 「、」 is the separator the labels ask for ("separated by “、”")
    assert {w for w in shown if w != "、" and not any(w in d for d in document_words)} == set()
