"""Where untrusted uploads meet reportgen: run as a child process (`python -m
reportgen.site.filings.child check|build`), JSON in on stdin, JSON out on stdout. No Django
here. The parent (filings.tasks) runs it with a timeout and, for checks, under RLIMIT_AS, so a
hostile workbook can neither hang nor exhaust the web server or the worker."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

_FOLDER_YEAR = re.compile(r"^文件中的年度 (\d+) 与所在文件夹 (\d+) 不一致。")


def _finding(file: str, finding) -> dict:
    message = finding.message
    wrong_year = _FOLDER_YEAR.match(message)
    if wrong_year:  # the CLI's advice is about folders; on the site the year is the bureau's
        found, year = wrong_year.groups()
        message = (f"文件中的年度 {found} 与本次填报的年度 {year} 不一致。请把年度改为 {year} 后重新上传"
                   f"（如确实要填报 {found} 年度，请联系财政局）。")
    return {"file": file, "level": finding.level, "location": finding.location, "message": message}


def stage(files: list[dict], data_dir: Path, year: int, kinds: dict) -> dict[str, Path]:
    """Each file linked (or copied) from its stored blob under the clerk's name into the
    folder of its kind below data_dir/<year>/; file name -> staged path."""
    staged = {}
    for item in files:
        kind = kinds[item["kind"]]
        folder = kind.data_dir(data_dir, year)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / item["name"]
        try:
            os.link(item["path"], target)
        except OSError:
            shutil.copyfile(item["path"], target)
        staged[item["name"]] = target
    return staged


def check(job: dict) -> dict:
    """The candidate set (the current version's files, each new file replacing the same
    form's), checked as `reportgen check` checks a year, plus: every form must be the
    account's department's. Only these files are checked, so no message names another
    department's file."""
    from reportgen.checking import check_year
    from reportgen.errors import ReportgenError
    from reportgen.findings import error
    from reportgen.forms.registry import all_kinds, get_kind
    from reportgen.pipeline import identify, kind_of_file

    year, department, work = job["year"], job["department"], Path(job["work"])
    kinds = {kind.key: kind for kind in all_kinds()}
    probe = work / "probe"
    probe.mkdir(parents=True)
    new = []
    for item in job["new"]:  # what each new file is: its kind (by content) and its form's name
        path = probe / item["name"]
        os.link(item["path"], path) if _same_device(item["path"], probe) else shutil.copyfile(item["path"], path)
        kind = kind_of_file(path)
        identity = identify(path, kind)
        new.append({**item, "kind": kind.key, "form": identity.name if identity else None})
    replaced = {(n["kind"], n["form"]) for n in new if n["form"]} | {("name", n["name"]) for n in new}
    keep = [old for old in job["old"]
            if ("name", old["name"]) not in replaced and (old["kind"], old["form"]) not in replaced
            and not (get_kind(old["kind"]).is_group and any(n["kind"] == old["kind"] for n in new))]
    candidate = keep + new
    data_dir = work / "data"
    staged = stage(candidate, data_dir, year, kinds)
    settings_file = job.get("settings")
    if settings_file and Path(settings_file).is_file():
        shutil.copyfile(settings_file, data_dir / str(year) / Path(settings_file).name)
    (data_dir / str(year)).mkdir(parents=True, exist_ok=True)
    try:
        result = check_year(data_dir, year)
    except ReportgenError as exc:  # e.g. nothing to check
        return {"files": [], "findings": [{"file": "", "level": "error", "location": "", "message": exc.message}],
                "errors": 1}
    by_path = {path: name for name, path in staged.items()}
    findings = []
    for item in candidate:
        path = staged[item["name"]]
        identity = result.identities.get(path)
        kind = kinds[item["kind"]]
        if identity is not None and identity.group != department:
            label = "部门名称" if kind.is_group else "主管部门"
            findings.append(_finding(item["name"], error(identity.where, (
                f"{label}是「{identity.group}」，与您的账号所属部门「{department}」不同。"
                f"只能上传本部门的数据；如部门名称写法有误，请改为「{department}」后重新上传。"))))
        for finding in result.findings.get(path, []):
            findings.append(_finding(by_path[path], finding))
        if identity is not None:
            item["form"] = identity.name
    if not any(kinds[i["kind"]].is_group for i in candidate):
        findings.append({"file": "", "level": "error", "location": "",
                         "message": "还没有部门整体支出绩效自评表的数据文件。请一并上传本部门的部门填报表"
                                    "（可先点击“下载空白填报表”）。"})
    return {"files": [{k: i[k] for k in ("name", "sha256", "kind", "form")} for i in candidate],
            "findings": findings,
            "errors": sum(1 for f in findings if f["level"] == "error")}


def _same_device(path: str, folder: Path) -> bool:
    try:
        return os.stat(path).st_dev == os.stat(folder).st_dev
    except OSError:
        return False


def build(job: dict) -> dict:
    """A version's files built as a year (`reportgen build`), into job["out"]."""
    from reportgen.batch import build_year
    from reportgen.forms.registry import all_kinds, get_kind

    year, work = job["year"], Path(job["work"])
    kinds = {kind.key: kind for kind in all_kinds()}
    data_dir = work / "data"
    staged = stage(job["files"], data_dir, year, kinds)
    settings_file = job.get("settings")
    if settings_file and Path(settings_file).is_file():
        shutil.copyfile(settings_file, data_dir / str(year) / Path(settings_file).name)
    out_dir = work / "output"
    outcome = build_year(data_dir, year, templates_dir=Path(job["templates"]), out_dir=out_dir,
                         formats=job["formats"], jobs=job.get("jobs", 1),
                         departments=job.get("departments", ()))
    names = {path: name for name, path in staged.items()}
    findings = [_finding(names.get(r.source, r.source.name), f) for r in outcome.results for f in r.findings]
    folder = out_dir / str(year)
    if job.get("drafts") and not outcome.failed and not outcome.interrupted:
        findings += _drafts(outcome, folder, year, data_dir, Path(job["templates"]), names)
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    group = next((r.summary for r in outcome.results if r.ok and get_kind(r.kind).is_group), None)
    score = getattr(group, "total_score", None)  # the department's 总分 and 等级, for the reviewer's list
    return {"ok": not outcome.failed and not outcome.interrupted, "files": files, "findings": findings,
            "summary": str(outcome.summary_path.relative_to(folder)) if outcome.summary_path else None,
            "score": None if score is None else str(score), "grade": getattr(group, "grade", None)}


def _drafts(outcome, folder: Path, year: int, data_dir: Path, templates: Path, names: dict) -> list[dict]:
    """The department's 自评报告 drafted beside its forms (output/<year>/自评报告/), for the
    clerk to download and finish; the findings of a draft that could not be made."""
    from reportgen.drafts import REPORT_FOLDER, draft_department
    from reportgen.forms.registry import get_kind

    findings = []
    for result in outcome.results:
        kind = get_kind(result.kind)
        if not (result.ok and kind.is_group and kind.report_variables is not None):
            continue
        drafted = draft_department(result.source, folder / REPORT_FOLDER, year=year, data_dir=data_dir,
                                   templates_dir=templates, overwrite=True)
        findings += [_finding(names.get(result.source, result.source.name), f) for f in drafted.findings]
    return findings


def main() -> None:
    job = json.load(sys.stdin)
    action = {"check": check, "build": build}[sys.argv[1]]
    json.dump(action(job), sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
