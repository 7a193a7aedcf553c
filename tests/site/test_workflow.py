"""The clerk's and the reviewer's way through the site, with the Django test client: upload,
findings, forms, 送审, 退回 with a comment, 审核通过, 汇总; a test per row of the workflow."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.site.conftest import DEPT_A, client_for, demo_files, upload

pytestmark = pytest.mark.django_db


def state(filing):
    filing.refresh_from_db()
    return filing.get_state_display()


def test_it_builds_the_forms_of_a_good_upload(clerk_a, filing_a, django_capture_on_commit_callbacks):
    client = client_for(clerk_a)
    response = upload(client, filing_a, demo_files(), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert state(filing_a) == "已生成"
    page = client.get(reverse("filing", args=[filing_a.pk])).content.decode()
    assert "已生成" in page
    names = [f.name for f in filing_a.current_build.files.all()]
    assert f"{DEPT_A}_2022年度部门整体支出绩效自评表.docx" in names
    assert f"{DEPT_A}_2022年度部门整体支出绩效自评表.xlsx" in names
    assert sum(n.endswith("项目支出绩效自评表.docx") for n in names) == 3
    for f in filing_a.current_build.files.all():
        assert f'download="{f.name}"' in page
        response = client.get(reverse("build_file", args=[f.pk, f.name]))
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        assert zipfile.is_zipfile(io.BytesIO(body))
        assert "filename*=utf-8''" in response["Content-Disposition"]
    # the warnings of the demo department are shown with their place
    assert "广州市应急管理局.toml 第12行 键 budget.total" in page
    assert "送审" in page


def test_the_clerk_downloads_the_drafted_self_report(clerk_a, filing_a, django_capture_on_commit_callbacks):
    """Issue 21 on the site: the 自评报告 drafted from the department's own data, listed apart
    from the forms, with the form's figures in it."""
    from docx import Document

    client = client_for(clerk_a)
    upload(client, filing_a, demo_files(), django_capture_on_commit_callbacks)
    assert state(filing_a) == "已生成"
    name = f"{DEPT_A}_2022年度部门整体支出绩效自评报告.docx"
    draft = filing_a.current_build.files.get(name=name)
    page = client.get(reverse("filing", args=[filing_a.pk])).content.decode()
    drafts_at, forms_at = page.index("自评报告（草稿）"), page.index("生成的表格")
    assert forms_at < drafts_at < page.index(f'download="{name}"')
    response = client.get(reverse("build_file", args=[draft.pk, name]))
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(b"".join(response.streaming_content))).paragraphs)
    assert "总分94.49分" in text.replace(" ", "") and "【待填写" in text


def test_a_bad_upload_keeps_the_last_good_version(clerk_a, filing_a, django_capture_on_commit_callbacks):
    client = client_for(clerk_a)
    upload(client, filing_a, demo_files(), django_capture_on_commit_callbacks)
    filing_a.refresh_from_db()
    good = filing_a.current_version_id
    assert good is not None
    broken = (
        "year = 2022\n[department]\nname = \"广州市应急管理局\"\nunits = \"四\"\n").encode()
    upload(client, filing_a, [SimpleUploadedFile(f"{DEPT_A}.toml", broken)], django_capture_on_commit_callbacks)
    assert state(filing_a) == "有错误"
    assert filing_a.current_version_id == good
    page = client.get(reverse("filing", args=[filing_a.pk])).content.decode()
    assert "最近一次上传有错误" in page
    assert f"{DEPT_A}.toml 第4行" in page  # the place of the finding
    # 放弃本次上传: back to 已生成, the good version still current
    client.post(reverse("discard", args=[filing_a.pk]))
    assert state(filing_a) == "已生成"
    assert filing_a.current_version_id == good


def test_a_project_replaces_its_namesake_and_keeps_the_rest(clerk_a, filing_a, django_capture_on_commit_callbacks):
    client = client_for(clerk_a)
    upload(client, filing_a, demo_files(), django_capture_on_commit_callbacks)
    project = next(f for f in demo_files() if f.name.startswith("示例：森林"))
    renamed = SimpleUploadedFile("森林防火（修改后）.toml", project.read())
    upload(client, filing_a, [renamed], django_capture_on_commit_callbacks)
    filing_a.refresh_from_db()
    names = sorted(f.name for f in filing_a.current_version.files.all())
    assert len(names) == 4 and "森林防火（修改后）.toml" in names and "示例：森林防火宣传.toml" not in names
    assert state(filing_a) == "已生成"


def test_another_departments_data_is_refused(clerk_b, filing_b, django_capture_on_commit_callbacks):
    client = client_for(clerk_b)
    upload(client, filing_b, demo_files()[:1], django_capture_on_commit_callbacks)
    assert state(filing_b) == "有错误"
    page = client.get(reverse("filing", args=[filing_b.pk])).content.decode()
    assert "与您的账号所属部门「广州市示例局」不同" in page


def test_the_whole_cycle(clerk_a, reviewer, filing_a, django_capture_on_commit_callbacks):
    clerk, bureau = client_for(clerk_a), client_for(reviewer)
    upload(clerk, filing_a, demo_files(), django_capture_on_commit_callbacks)
    listing = bureau.get(reverse("home")).content.decode()
    assert DEPT_A in listing and "已生成" in listing
    import re

    row = re.search(rf"<tr><td><a [^>]*>{DEPT_A}</a>.*?</tr>", listing, re.S)
    assert row, listing
    row = row.group(0)
    cells = re.findall(r"<td>(.*?)</td>", row, re.S)
    assert cells[2:5] == ["3", "94.49", "优"], cells  # 项目数, 总分 (as the published form), 等级
    clerk.post(reverse("submit", args=[filing_a.pk]))
    assert state(filing_a) == "已送审"
    refused = upload(clerk, filing_a, demo_files(), django_capture_on_commit_callbacks)
    assert refused.status_code == 400 and "已送审，不能再上传" in refused.content.decode()
    clerk.post(reverse("withdraw", args=[filing_a.pk]))
    assert state(filing_a) == "已生成"
    clerk.post(reverse("submit", args=[filing_a.pk]))
    # 退回 needs a comment
    bureau.post(reverse("return", args=[filing_a.pk]), {"comment": " "})
    assert state(filing_a) == "已送审"
    bureau.post(reverse("return", args=[filing_a.pk]), {"comment": "项目支出合计与决算不符，请核对。"})
    assert state(filing_a) == "已退回"
    page = clerk.get(reverse("filing", args=[filing_a.pk])).content.decode()
    assert "审批进度" in page and "项目支出合计与决算不符，请核对。" in page and "已退回" in page
    upload(clerk, filing_a, demo_files(), django_capture_on_commit_callbacks)
    assert state(filing_a) == "已生成"
    clerk.post(reverse("submit", args=[filing_a.pk]))
    bureau.post(reverse("approve", args=[filing_a.pk]))
    assert state(filing_a) == "审核通过"
    with django_capture_on_commit_callbacks(execute=True):
        response = bureau.post(reverse("summary_start", args=[filing_a.year_id]))
    page = bureau.get(response["Location"]).content.decode()
    assert "已完成" in page and DEPT_A in page
    from reportgen.site.filings.models import Summary

    summary = Summary.objects.get()
    table = bureau.get(reverse("summary_table", args=[summary.pk]))
    from urllib.parse import quote

    assert quote("2022年度部门整体支出绩效自评汇总表.xlsx") in table["Content-Disposition"]
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(b"".join(table.streaming_content)))
    assert DEPT_A in [c.value for row in book.worksheets[0].iter_rows() for c in row]
    archive = bureau.get(reverse("summary_archive", args=[summary.pk]))
    names = zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))).namelist()
    assert f"{DEPT_A}/填报文件/{DEPT_A}.toml" in names
    assert f"{DEPT_A}/{DEPT_A}_2022年度部门整体支出绩效自评表.docx" in names
    assert all(".." not in n and not n.startswith("/") for n in names)
    # reopen: back to 已退回 with a comment
    bureau.post(reverse("reopen", args=[filing_a.pk]), {"comment": "补充说明"})
    assert state(filing_a) == "已退回"


def test_clerks_cannot_review_and_reviewers_cannot_submit(clerk_a, reviewer, filing_a,
                                                           django_capture_on_commit_callbacks):
    clerk, bureau = client_for(clerk_a), client_for(reviewer)
    upload(clerk, filing_a, demo_files(), django_capture_on_commit_callbacks)
    assert bureau.post(reverse("submit", args=[filing_a.pk])).status_code == 403
    clerk.post(reverse("submit", args=[filing_a.pk]))
    assert clerk.post(reverse("approve", args=[filing_a.pk])).status_code == 403
    assert clerk.get(reverse("review")).status_code == 403
    assert state(filing_a) == "已送审"


def test_a_project_is_removed_only_explicitly(clerk_a, filing_a, django_capture_on_commit_callbacks):
    client = client_for(clerk_a)
    upload(client, filing_a, demo_files(), django_capture_on_commit_callbacks)
    page = client.get(reverse("filing", args=[filing_a.pk])).content.decode()
    assert page.count("删除此项目") == 3  # a button per project, none for the department's form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("remove", args=[filing_a.pk]), {"name": "示例：森林防火宣传.toml"})
    assert response.status_code == 302
    filing_a.refresh_from_db()
    assert filing_a.get_state_display() == "已生成"
    assert sorted(f.name for f in filing_a.current_version.files.all()) == [
        f"{DEPT_A}.toml", "示例：安全生产执法装备购置.toml", "示例：应急指挥中心运行维护.toml"]
    assert not any("森林防火" in f.name for f in filing_a.current_build.files.all())
    refused = client.post(reverse("remove", args=[filing_a.pk]), {"name": f"{DEPT_A}.toml"})
    assert refused.status_code == 400 and "部门填报表请上传新的文件替换" in refused.content.decode()
