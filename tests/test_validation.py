"""A catalogue of invalid inputs: each is refused through the command line (exit 1), with
a Chinese message naming the exact place (file + line + key for TOML, sheet!cell for a
workbook), no traceback, and nothing written into the output folder.

Every case is made from the demo file: a text edit of the TOML, or an openpyxl edit of
the workbook that `reportgen convert` makes from it.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from reportgen.findings import Finding
from reportgen.forms.department.contract import CONTRACT
from reportgen.validate import position as position_of
from tests.conftest import DEMO_TOML, TEMPLATES, convert_file, run_cli

DEPT = "广州市应急管理局"
TOML = f"{DEPT}.toml"
XLSX = f"{DEPT}.xlsx"
DEMO_TEXT = DEMO_TOML.read_text(encoding="utf-8")


def position(finding):
    return position_of(finding, CONTRACT)


# ----------------------------------------------------------------------------- helpers
def replace(old: str, new: str) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)
    return mutate


def drop_blocks(header: str) -> Callable[[str], str]:
    """Remove every [[header]] block (up to the next table header)."""
    def mutate(text: str) -> str:
        pattern = re.compile(rf"^\[\[{header}\]\]\n(?:(?!\[).*\n|\n)*", re.MULTILINE)
        out, count = pattern.subn("", text)
        assert count
        return out
    return mutate


def line_of(needle: str, text: str = DEMO_TEXT) -> int:
    """1-based number of the first line of text that starts with needle."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(needle):
            return number
    raise AssertionError(needle)


def header_line_before(needle: str) -> int:
    """The [[indicators]] header line of the block holding needle."""
    lines = DEMO_TEXT.splitlines()
    number = line_of(needle)
    while not lines[number - 1].startswith("[["):
        number -= 1
    return number


def workspace(tmp_path: Path, files: dict[str, bytes]) -> Path:
    folder = tmp_path / "data" / "2022"
    folder.mkdir(parents=True)
    for name, payload in files.items():
        (folder / name).write_bytes(payload)
    return tmp_path


def assert_refused(root: Path, command: str, location: str, message: str) -> str:
    args = ["--year", "2022", "--data", root / "data"]
    if command == "build":
        args += ["--templates", TEMPLATES, "--output", root / "output"]
    result = run_cli(command, *args)
    output = result.output
    assert result.exit_code == 1, output
    assert result.exception is None or isinstance(result.exception, SystemExit), output
    assert "Traceback" not in output
    assert "[错误]" in output
    assert location in output, f"{location!r} not in:\n{output}"
    assert message in output, f"{message!r} not in:\n{output}"
    out_dir = root / "output"
    # no form: only the run's record and a 汇总表 naming the department 未生成
    assert not out_dir.exists() or not [p for p in out_dir.rglob("*") if p.is_file() and p.name not in
                                        ("生成结果.txt", "2022年度部门整体支出绩效自评汇总表.xlsx")]
    return output


# ----------------------------------------------------------------------------- TOML cases
I3 = header_line_before('name = "部门预算资金支出率"')  # the 3rd [[indicators]] block
GOAL2 = line_of('target = "通过高质量完成')
EXPLANATION3 = line_of('explanation = "反映部门预算资金支出进度')
SCORE1, SCORE3 = line_of("score = 19.54"), line_of("score = 8.95")
TOML_CASES = [
    pytest.param(lambda t: t.encode("gbk"), f"{TOML} 第1行", "UTF-8", id="not-utf8-gbk"),
    pytest.param(replace(f'name = "{DEPT}"', f'name = "{DEPT}'), f"{TOML} 第8行第", "TOML 格式错误",
                 id="toml-syntax-unclosed-string"),
    pytest.param(replace("units = 4\n", "units 4\n"), f"{TOML} 第9行第", "TOML 格式错误",
                 id="toml-syntax-missing-equals"),
    pytest.param(lambda t: "", f"{TOML} 键 department.name", "缺少部门名称", id="empty-file"),
    pytest.param(replace(f'name = "{DEPT}"\n', ""), f"{TOML} 第7行 键 department.name", "缺少部门名称",
                 id="missing-department-name"),
    pytest.param(replace('name = "广州市应急管理局"', 'name = "  "'), f"{TOML} 第8行 键 department.name",
                 "「部门名称」不能为空", id="blank-department-name"),
    pytest.param(replace("units = 4\n", ""), f"{TOML} 第7行 键 department.units", "缺少单位数",
                 id="missing-units"),
    pytest.param(drop_blocks("goals"), f"{TOML} 键 goals", "缺少年度整体绩效目标", id="missing-goals"),
    pytest.param(replace('target = "通过高质量完成', 'target = "" #'),
                 f"{TOML} 第{GOAL2}行 键 goals[2].target",
                 "「目标2」不能为空", id="blank-goal"),
    pytest.param(drop_blocks("indicators"), f"{TOML} 键 indicators", "缺少指标", id="missing-indicators"),
    pytest.param(replace("score = 19.54\n", ""), f"{TOML} 第68行 键 indicators[1].score", "缺少得分",
                 id="missing-score"),
    pytest.param(replace("score = 19.54", 'score = ""'), f"{TOML} 第74行 键 indicators[1].score", "缺少得分",
                 id="blank-score"),
    pytest.param(replace("total = 39481.84", 'total = "三百"'), f"{TOML} 第12行 键 budget.total",
                 "「总预算」应为数字", id="text-amount"),
    pytest.param(replace("score = 19.54", 'score = "四十"'), f"{TOML} 第74行 键 indicators[1].score",
                 "「得分」应为数字", id="text-score"),
    pytest.param(replace("score = 19.54", "score = true"), f"{TOML} 第74行 键 indicators[1].score",
                 "「得分」应为数字", id="boolean-score"),
    pytest.param(replace('explanation = "反映部门预算资金支出进度。"', 'explaination = "反映部门预算资金支出进度。"'),
                 f"{TOML} 第{EXPLANATION3}行 键 indicators[3].explaination",
                 "是不是「explanation」", id="unknown-key-typo"),
    pytest.param(replace('unmet_reason = "无"', 'unmet_reasons = "无"'), f"{TOML} 第5行 键 unmet_reasons",
                 "是不是「unmet_reason」", id="unknown-top-level-key"),
    pytest.param(replace("units = 4", "unit = 4"), f"{TOML} 第9行 键 department.unit",
                 "是不是「units」", id="unknown-department-key"),
    pytest.param(replace("[department]", "[departments]"), f"{TOML} 第7行 键 departments",
                 "是不是「department」", id="unknown-table"),
    pytest.param(replace("year = 2022", "year = 2021"), f"{TOML} 第4行 键 year", "与所在文件夹 2022 不一致",
                 id="year-not-folder"),
    pytest.param(replace("units = 4", "units = 0"), f"{TOML} 第9行 键 department.units", "不小于 1",
                 id="units-zero"),
    pytest.param(replace("units = 4", "units = 2.5"), f"{TOML} 第9行 键 department.units", "应为整数",
                 id="units-fraction"),
    pytest.param(replace("weight = 3\nexplanation = \"反映部门对申请", "weight = 0\nexplanation = \"反映部门对申请"),
                 f"{TOML} 第100行 键 indicators[4].weight", "分值应大于 0", id="weight-zero"),
    pytest.param(replace("weight = 3\nexplanation = \"反映部门对申请", "weight = -3\nexplanation = \"反映部门对申请"),
                 f"{TOML} 第100行 键 indicators[4].weight", "分值应大于 0", id="weight-negative"),
    pytest.param(replace("score = 19.54", "score = -1"), f"{TOML} 第74行 键 indicators[1].score",
                 "得分不能为负数", id="score-negative"),
    pytest.param(replace("score = 19.54", "score = 25"), f"{TOML} 第74行 键 indicators[1].score",
                 "超过了分值 20", id="score-over-weight"),
    pytest.param(replace("score = 19.54", "score = 19.545"), f"{TOML} 第74行 键 indicators[1].score",
                 "超过两位小数", id="score-three-decimals"),
    pytest.param(replace("total = 39481.84", "total = 39481.845"), f"{TOML} 第12行 键 budget.total",
                 "超过两位小数", id="amount-three-decimals"),
    pytest.param(replace("basic = 8847.16", "basic = -8847.16"), f"{TOML} 第13行 键 budget.basic",
                 "不能为负数", id="amount-negative"),
    pytest.param(replace("weight = 3\nexplanation = \"反映部门对申请", "weight = 4\nexplanation = \"反映部门对申请"),
                 f"{TOML} 第72、82、90、100、108、116、126、136、144、152等26行 键 indicators[*].weight",
                 "各行分值合计为 101，应为 100", id="weights-not-100"),
    pytest.param(replace("score = 8.95\n", 'score = 8.95\nrule = "execution_rat"\n'),
                 f"{TOML} 第{SCORE3 + 1}行 键 indicators[3].rule", "是不是「execution_rate」",
                 id="unknown-rule"),
    pytest.param(replace("score = 8.95\n", 'rule = "execution_rate"\n'),
                 f"{TOML} 第{I3}行 键 indicators[3].execution_rate", "缺少执行率",
                 id="rule-without-rate"),
    pytest.param(replace("score = 8.95\n", 'rule = "execution_rate"\nexecution_rate = "很高"\n'),
                 f"{TOML} 第{SCORE3 + 1}行 键 indicators[3].execution_rate", "执行率应为",
                 id="rule-rate-text"),
    pytest.param(replace("score = 19.54\n", 'rule = "output_targets"\n'),
                 f"{TOML} 第{SCORE1}行 键 indicators[1].rule", "没有列出绩效指标",
                 id="rule-without-targets"),
]


@pytest.mark.parametrize("command", ["build", "check"])
@pytest.mark.parametrize(("mutate", "location", "message"), TOML_CASES)
def test_invalid_toml_is_refused_with_its_place(tmp_path, command, mutate, location, message):
    payload = mutate(DEMO_TEXT)
    payload = payload.encode("utf-8") if isinstance(payload, str) else payload
    root = workspace(tmp_path, {TOML: payload})
    assert_refused(root, command, location, message)


def test_same_department_name_in_two_files(tmp_path):
    payload = DEMO_TEXT.encode("utf-8")
    root = workspace(tmp_path, {TOML: payload, "应急局（副本）.toml": payload})
    output = assert_refused(root, "build", "应急局（副本）.toml 第8行 键 department.name",
                            f"部门名称「{DEPT}」与 {TOML} 相同")
    assert f"{TOML} 第8行 键 department.name" in output
    assert_refused(root, "check", "应急局（副本）.toml 第8行 键 department.name", "相同")


def test_a_utf8_bom_is_accepted(tmp_path):
    root = workspace(tmp_path, {TOML: b"\xef\xbb\xbf" + DEMO_TEXT.encode("utf-8")})
    result = run_cli("check", "--year", "2022", "--data", root / "data")
    assert result.exit_code == 0, result.output


# ----------------------------------------------------------------------------- workbook cases
@pytest.fixture(scope="module")
def demo_xlsx(tmp_path_factory) -> bytes:
    folder = tmp_path_factory.mktemp("xlsx")
    return convert_file(DEMO_TOML, folder / XLSX).read_bytes()


def edit(change: Callable) -> Callable[[bytes, Path], bytes]:
    """An openpyxl edit of the converted demo workbook."""
    def mutate(payload: bytes, scratch: Path) -> bytes:
        path = scratch / "edit.xlsx"
        path.write_bytes(payload)
        workbook = openpyxl.load_workbook(path)
        change(workbook)
        workbook.save(path)
        return path.read_bytes()
    return mutate


def set_cell(sheet: str, cell: str, value) -> Callable:
    def change(workbook):
        workbook[sheet][cell] = value
    return change


def delete_rows(sheet: str, first: int, amount: int) -> Callable:
    def change(workbook):
        workbook[sheet].delete_rows(first, amount)
    return change


def both(*changes: Callable) -> Callable:
    def change(workbook):
        for each in changes:
            each(workbook)
    return change


XLSX_CASES = [
    pytest.param(lambda p, s: b"this is not a workbook", XLSX, "无法读取工作簿", id="xlsx-not-a-workbook"),
    pytest.param(lambda p, s: p[: len(p) // 2], XLSX, "文件已损坏", id="xlsx-truncated"),
    pytest.param(lambda p, s: b"\xd0\xcf\x11\xe0" + bytes(600), XLSX, "旧版 .xls 格式", id="xlsx-old-xls"),
    pytest.param(lambda p, s: DEMO_TEXT.encode(), XLSX, "无法读取工作簿", id="xlsx-is-toml-text"),
    pytest.param(edit(lambda wb: wb.remove(wb["预算"])), XLSX, "缺少工作表「预算」", id="xlsx-missing-sheet"),
    pytest.param(edit(lambda wb: setattr(wb["指标评分"], "title", "指标评分表")), XLSX,
                 "是不是「指标评分表」", id="xlsx-renamed-sheet"),
    pytest.param(edit(set_cell("指标评分", "F1", "评分")), f"{XLSX} 指标评分 第1行（表头）",
                 "缺少列「得分」", id="xlsx-missing-column"),
    pytest.param(edit(set_cell("指标评分", "E1", "指标解析")), f"{XLSX} 指标评分 第1行（表头）",
                 "是不是把「指标解析」写错了", id="xlsx-misspelt-column"),
    pytest.param(edit(set_cell("预算", "B1", None)), f"{XLSX} 预算 第1行（表头）", "缺少列「基本支出」",
                 id="xlsx-missing-budget-column"),
    pytest.param(edit(set_cell("指标评分", "F2", "四十")), f"{XLSX} 指标评分!F2", "「得分」应为数字",
                 id="xlsx-text-score"),
    pytest.param(edit(set_cell("预算", "A2", "三百")), f"{XLSX} 预算!A2", "「总预算」应为数字",
                 id="xlsx-text-amount"),
    pytest.param(edit(set_cell("基本情况", "B4", "四")), f"{XLSX} 基本情况!B4", "「单位数」应为数字",
                 id="xlsx-text-units"),
    pytest.param(edit(set_cell("指标评分", "F5", None)), f"{XLSX} 指标评分!F5", "缺少得分",
                 id="xlsx-blank-score"),
    pytest.param(edit(set_cell("基本情况", "B3", None)), f"{XLSX} 基本情况!B3", "缺少部门名称",
                 id="xlsx-blank-department-name"),
    pytest.param(edit(delete_rows("基本情况", 3, 1)), f"{XLSX} 基本情况（缺少「部门名称」这一行）",
                 "缺少部门名称", id="xlsx-missing-department-row"),
    pytest.param(edit(set_cell("预算", "C2", None)), f"{XLSX} 预算!C2", "缺少项目支出", id="xlsx-blank-amount"),
    pytest.param(edit(set_cell("基本情况", "B4", 0)), f"{XLSX} 基本情况!B4", "不小于 1", id="xlsx-units-zero"),
    pytest.param(edit(set_cell("基本情况", "B2", 2021)), f"{XLSX} 基本情况!B2", "与所在文件夹 2022 不一致",
                 id="xlsx-year-not-folder"),
    pytest.param(edit(set_cell("指标评分", "D5", -3)), f"{XLSX} 指标评分!D5", "分值应大于 0",
                 id="xlsx-weight-negative"),
    pytest.param(edit(set_cell("指标评分", "F2", 25)), f"{XLSX} 指标评分!F2", "超过了分值 20",
                 id="xlsx-score-over-weight"),
    pytest.param(edit(set_cell("指标评分", "F2", -0.5)), f"{XLSX} 指标评分!F2", "得分不能为负数",
                 id="xlsx-score-negative"),
    pytest.param(edit(set_cell("预算", "A2", 39481.845)), f"{XLSX} 预算!A2", "超过两位小数",
                 id="xlsx-amount-three-decimals"),
    pytest.param(edit(set_cell("指标评分", "D5", 4)), f"{XLSX} 指标评分!D2:D27", "各行分值合计为 101",
                 id="xlsx-weights-not-100"),
    pytest.param(edit(delete_rows("指标评分", 2, 26)), f"{XLSX} 指标评分!A2", "至少要有一项",
                 id="xlsx-no-indicators"),
    pytest.param(edit(both(set_cell("指标评分", "I4", "预算执行率"), set_cell("指标评分", "F4", None))),
                 f"{XLSX} 指标评分!J4", "缺少执行率", id="xlsx-rule-without-rate"),
    pytest.param(edit(set_cell("指标评分", "I4", "执行率规则")), f"{XLSX} 指标评分!I4", "不认识的计分规则",
                 id="xlsx-unknown-rule"),
]


@pytest.mark.parametrize("command", ["build", "check"])
@pytest.mark.parametrize(("mutate", "location", "message"), XLSX_CASES)
def test_invalid_workbook_is_refused_with_its_cell(tmp_path, demo_xlsx, command, mutate, location,
                                                   message):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    root = workspace(tmp_path, {XLSX: mutate(demo_xlsx, scratch)})
    assert_refused(root, command, location, message)


def test_the_same_department_as_toml_and_workbook(tmp_path, demo_xlsx):
    root = workspace(tmp_path, {TOML: DEMO_TEXT.encode("utf-8"), XLSX: demo_xlsx})
    for command in ("build", "check"):
        output = assert_refused(root, command, f"[错误] {TOML}：与 {XLSX} 是同一个部门的数据文件",
                                "请删除或移走其中一个")
        assert f"[错误] {XLSX}：与 {TOML}" in output


def test_the_unconverted_demo_workbook_is_valid(tmp_path, demo_xlsx):
    root = workspace(tmp_path, {XLSX: demo_xlsx})
    result = run_cli("check", "--year", "2022", "--data", root / "data")
    assert result.exit_code == 0, result.output


def test_catalogue_is_large_enough():
    assert len(TOML_CASES) + len(XLSX_CASES) >= 25


# ----------------------------------------------------------------------------- ordering
def test_findings_are_listed_top_to_bottom():
    assert sorted([
        Finding("error", f"{TOML} 第74行 键 indicators[1].score", ""),
        Finding("error", f"{TOML} 第9行 键 department.units", ""),
    ], key=position)[0].location.endswith("department.units")
    assert sorted([
        Finding("error", f"{XLSX} 指标评分!F2", ""),
        Finding("error", f"{XLSX} 预算!A2", ""),
        Finding("error", f"{XLSX} 基本情况!B4", ""),
    ], key=position)[0].location.endswith("基本情况!B4")


def test_all_errors_of_a_file_are_reported_at_once(tmp_path):
    text = DEMO_TEXT.replace("units = 4", "units = 0").replace("score = 19.54", "score = 25")
    root = workspace(tmp_path, {TOML: text.encode("utf-8")})
    output = assert_refused(root, "check", f"{TOML} 第9行 键 department.units", "不小于 1")
    assert f"{TOML} 第74行 键 indicators[1].score" in output
    assert output.index("department.units") < output.index("indicators[1].score")


def test_other_departments_still_build_when_one_is_refused(tmp_path):
    from tests.conftest import SAMPLE_TOML

    root = workspace(tmp_path, {TOML: DEMO_TEXT.replace("units = 4", "units = 0").encode("utf-8")})
    shutil.copy(SAMPLE_TOML, root / "data" / "2022" / SAMPLE_TOML.name)
    result = run_cli("build", "--year", "2022", "--data", root / "data", "--templates", TEMPLATES,
                     "--output", root / "output")
    assert result.exit_code == 1
    built = [p.name for p in (root / "output" / "2022").iterdir()]
    assert "广州市示例局_2022年度部门整体支出绩效自评表.docx" in built
    assert not [name for name in built if DEPT in name]
