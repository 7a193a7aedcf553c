from decimal import Decimal

import pytest

from reportgen.formats import money, score, weight
from reportgen.forms.department.compute import evaluate
from reportgen.forms.department.model import build_department
from reportgen.indicators import group_indicators
from reportgen.read.toml import read_toml
from reportgen.settings import Settings
from tests.conftest import DEMO_TOML, SAMPLE_TOML


@pytest.mark.parametrize("total, grade", [
    ("100", "优"), ("90", "优"), ("89.99", "良"), ("80", "良"), ("79.99", "中"),
    ("60", "中"), ("59.99", "差"), ("0", "差"),
])
def test_grade_bands(total, grade):
    assert Settings().grade_for(Decimal(total)) == grade


def test_decimal_sums_are_exact():
    rows = [Decimal("19.54"), Decimal("20"), Decimal("8.95")]
    assert sum(rows, Decimal(0)) == Decimal("48.49")
    assert score(sum(rows, Decimal(0))) == "48.49"


@pytest.mark.parametrize("value, text", [
    ("39481.84", "39,481.84"), ("226", "226.00"), ("1052300.75", "1,052,300.75"), ("0", "0.00"),
])
def test_money_format(value, text):
    assert money(Decimal(value)) == text


@pytest.mark.parametrize("value, text", [
    ("20", "20"), ("0.5", "0.5"), ("1.50", "1.5"), ("25.0", "25"), ("100.0", "100"),
])
def test_weight_format(value, text):
    assert weight(Decimal(value)) == text


def test_score_format_rounds_half_up():
    assert score(Decimal("0.5")) == "0.50"
    assert score(Decimal("8.955")) == "8.96"


def test_demo_totals_and_groups():
    evaluation = evaluate(build_department(read_toml(DEMO_TOML)), Settings())
    assert evaluation.total_score == Decimal("94.49")
    assert evaluation.total_weight == 100
    assert evaluation.grade == "优"
    assert [(lv.name, lv.weight) for lv in evaluation.levels] == [
        ("履职效能", 50), ("管理效率", 50)]
    management = evaluation.levels[1]
    assert [(g.name, g.weight) for g in management.groups] == [
        ("预算编制", 3), ("预算执行", 4), ("信息公开", 4), ("绩效管理", 15),
        ("采购管理", 10), ("资产管理", 10), ("运行成本", 4)]
    purchase = management.groups[4]
    parted = [item for item in purchase.items if len(item.parts) > 1]
    assert [(i.name, [p.weight for p in i.parts]) for i in parted] == [
        ("采购意向公开合规性", [Decimal("0.5"), Decimal("1.5")])]
    assert parted[0].parts[1].explanation == parted[0].parts[0].explanation != ""
    assert len(evaluation.department.indicators) == 26


def test_sample_has_three_level1_and_good_grade():
    evaluation = evaluate(build_department(read_toml(SAMPLE_TOML)), Settings())
    assert [lv.name for lv in evaluation.levels] == ["履职效能", "管理效率", "社会效益"]
    assert evaluation.total_score == Decimal("84.35")
    assert evaluation.grade == "良"


def test_same_name_in_other_group_is_not_merged():
    department = build_department(read_toml(DEMO_TOML))
    rows = list(department.indicators)
    # Same level1 again after another level1: a new group, not a continuation.
    rows.append(rows[0])
    levels = group_indicators(tuple(rows))
    assert [lv.name for lv in levels] == ["履职效能", "管理效率", "履职效能"]
