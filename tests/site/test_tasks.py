"""Background work and the rest of the workflow table: checks in a child process under
limits, a newer upload superseding a queued build, the deadline, the blank workbook."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.site.conftest import DEPT_A, client_for, demo_files, upload

pytestmark = pytest.mark.django_db


def test_the_blank_workbook_has_the_name_and_its_findings_name_sheet_and_cell(
        clerk_a, filing_a, django_capture_on_commit_callbacks, tmp_path):
    from openpyxl import load_workbook

    from tests.ooxml import assert_valid

    client = client_for(clerk_a)
    page = client.get(reverse("filing", args=[filing_a.pk])).content.decode()
    assert "下载空白填报表" in page
    response = client.get(reverse("blank", args=[filing_a.pk, "department"]))
    assert response.status_code == 200 and response["Content-Disposition"].endswith(".xlsx")
    path = tmp_path / f"{DEPT_A}.xlsx"
    path.write_bytes(response.content)
    assert_valid(path)
    cells = [c.value for sheet in load_workbook(path) for row in sheet.iter_rows() for c in row]
    assert DEPT_A in cells
    upload(client, filing_a, [SimpleUploadedFile(path.name, path.read_bytes())], django_capture_on_commit_callbacks)
    page = client.get(reverse("filing", args=[filing_a.pk])).content.decode()
    assert f"{DEPT_A}.xlsx 基本情况!B4" in page and "缺少单位数，请填写。" in page
    project = client.get(reverse("blank", args=[filing_a.pk, "project"]))
    book = load_workbook(io.BytesIO(project.content))
    assert DEPT_A in [c.value for sheet in book for row in sheet.iter_rows() for c in row]


def test_a_newer_upload_supersedes_a_queued_build(clerk_a, filing_a, django_capture_on_commit_callbacks):
    from reportgen.site.filings.models import Build, Upload
    from reportgen.site.filings.tasks import _checked, build_version

    client = client_for(clerk_a)
    upload(client, filing_a, demo_files(), django_capture_on_commit_callbacks)
    first = Upload.objects.get()
    result = {"files": [{"name": f.name, "sha256": f.blob.sha256, "kind": f.kind, "form": f.form}
                        for f in first.filing.current_version.files.all()], "findings": [], "errors": 0}
    with django_capture_on_commit_callbacks(execute=False):  # two checks pass; their builds queue
        for _ in range(2):
            again = Upload.objects.create(filing=filing_a, user=clerk_a)
            _checked(again, result)
    older, newer = Build.objects.filter(status__in=["queued", "superseded"]).order_by("id")
    assert older.status == "superseded" and newer.status == "queued"
    build_version.call(older.pk)  # claimed by nobody: it does nothing
    older.refresh_from_db()
    assert older.status == "superseded" and not older.files.exists()
    build_version.call(newer.pk)
    filing_a.refresh_from_db()
    assert filing_a.current_build_id == newer.pk and filing_a.get_state_display() == "已生成"


def test_after_the_deadline_only_returned_departments_upload(clerk_a, filing_a, django_capture_on_commit_callbacks):
    from reportgen.site.filings.models import State

    year = filing_a.year
    year.deadline = timezone.now() - timedelta(hours=1)
    year.save()
    client = client_for(clerk_a)
    response = upload(client, filing_a, demo_files(), django_capture_on_commit_callbacks)
    assert response.status_code == 400 and "截止" in response.content.decode()
    filing_a.state = State.RETURNED
    filing_a.save()
    response = upload(client, filing_a, demo_files(), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    filing_a.refresh_from_db()
    assert filing_a.get_state_display() == "已生成"


def test_the_check_child_is_limited_in_time_and_memory(tmp_path):
    from reportgen.site.filings.child_run import ChildFailed, run

    def job(name):
        return {"year": 2022, "department": DEPT_A, "work": str(tmp_path / name), "old": [], "new": []}

    with pytest.raises(ChildFailed, match="处理超时"):
        run("check", job("a"), timeout=0.01)
    import subprocess
    import sys

    from reportgen.site.filings.child_run import _limit

    # the limit the check runs under: an allocation past it fails in the child, not the worker
    done = subprocess.run([sys.executable, "-c", "bytearray(200 * 1024 * 1024)"], preexec_fn=_limit(100),
                          capture_output=True)
    assert done.returncode == 1 and b"MemoryError" in done.stderr
    assert run("check", job("c"), timeout=60, memory_mb=1024)["errors"] == 1  # no department file: said so


def test_the_child_never_imports_django(tmp_path):
    import json
    import subprocess
    import sys

    from tests.site.conftest import DEMO

    job = {"year": 2022, "department": DEPT_A, "work": str(tmp_path / "w"), "old": [],
           "new": [{"name": f"{DEPT_A}.toml", "sha256": "x", "path": str(DEMO / f"{DEPT_A}.toml")}]}
    code = ("import sys, json, io; from reportgen.site.filings import child\n"
            "job = json.load(sys.stdin); out = child.check(job)\n"
            "print(json.dumps([out['errors'], any(m.split('.')[0] == 'django' for m in sys.modules)]))")
    done = subprocess.run([sys.executable, "-c", code], input=json.dumps(job), capture_output=True, text=True)
    assert json.loads(done.stdout) == [0, False], done.stderr


def test_a_file_of_another_year_is_told_the_year_open(clerk_a, filing_a, django_capture_on_commit_callbacks):
    from reportgen.site.filings.models import Year

    Year.objects.filter(pk=filing_a.year_id).update(year=2023)
    upload(client_for(clerk_a), filing_a, demo_files(), django_capture_on_commit_callbacks)
    page = client_for(clerk_a).get(reverse("filing", args=[filing_a.pk])).content.decode()
    assert "文件中的年度 2022 与本次填报的年度 2023 不一致。请把年度改为 2023 后重新上传" in page
    assert "所在文件夹" not in page
