"""The whole clerk → reviewer → clerk cycle in a real browser: headless Chromium (zh-CN)
driven by Selenium against the live server, with screenshots of each step saved in
output/site-screenshots/ (look at them after a change to a page)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.site.conftest import DEMO, DEPT_A, PASSWORD, ROOT, make_user

CHROMIUM, DRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not (CHROMIUM.exists() and DRIVER.exists()),
                       reason="未安装 chromium 和 chromium-driver，跳过浏览器测试"
                              "（Debian：apt-get install chromium chromium-driver chromium-l10n）"),
]
SHOTS = ROOT / "output" / "site-screenshots"


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver", reason="未安装 selenium，跳过浏览器测试")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)  # with both paths given, Selenium Manager downloads nothing
    for argument in ("--headless=new", "--no-sandbox", "--lang=zh-CN", "--window-size=1280,1400",
                     "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    service = Service(executable_path=str(DRIVER), env={**os.environ, "LANGUAGE": "zh_CN"})
    driver = webdriver.Chrome(options=options, service=service)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


class Visit:
    def __init__(self, driver, base: str):
        self.driver, self.base, self.step = driver, base, 0
        shutil.rmtree(SHOTS, ignore_errors=True)
        SHOTS.mkdir(parents=True)

    def shot(self, name: str) -> None:
        self.step += 1
        self.driver.save_screenshot(str(SHOTS / f"{self.step:02d}-{name}.png"))

    def text(self) -> str:
        from selenium.common.exceptions import WebDriverException

        try:  # one call, no element handle to go stale while a page replaces another
            return self.driver.execute_script("return document.body ? document.body.innerText : ''")
        except WebDriverException:  # the page is being replaced
            return ""

    def wait_for(self, words: str, timeout: float = 30) -> None:
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.support.ui import WebDriverWait

        try:
            WebDriverWait(self.driver, timeout, poll_frequency=0.2).until(lambda d: words in self.text())
        except TimeoutException:
            self.shot(f"no-text-{words[:10]}")
            raise

    def button(self, word: str, timeout: float = 60):
        """The button whose text is the action word, once the page shows it."""
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.support.ui import WebDriverWait

        path = f"//button[normalize-space()='{word}']"
        try:
            WebDriverWait(self.driver, timeout, poll_frequency=0.2).until(lambda d: d.find_elements("xpath", path))
        except TimeoutException:
            self.shot(f"no-button-{word}")
            raise
        return self.driver.find_element("xpath", path)

    def login(self, name: str) -> None:
        from selenium.webdriver.common.keys import Keys

        self.driver.get(self.base + "/")
        inputs = self.driver.find_elements("css selector", "input[type=text], input[type=password]")
        assert [i.get_attribute("type") for i in inputs] == ["text", "password"]
        inputs[0].send_keys(name)
        inputs[1].send_keys(PASSWORD + Keys.ENTER)  # Enter submits
        self.wait_for("退出")

    def logout(self) -> None:
        self.button("退出").click()
        self.wait_for("登录")


@pytest.fixture
def site(live_server, browser, year, settings):
    from reportgen.render.pdf import find_soffice

    settings.PDF = find_soffice() is not None
    return Visit(browser, live_server.url)


def demo_paths() -> list[str]:
    return [str(DEMO / f"{DEPT_A}.toml"), *map(str, sorted((DEMO / "项目" / DEPT_A).glob("*.toml")))]


@pytest.mark.django_db(transaction=True)
def test_clerk_reviewer_clerk(site, tmp_path):
    make_user("clerk_a", "clerk", DEPT_A)
    make_user("reviewer", "reviewer")
    driver = site.driver
    driver.get(site.base + "/")
    assert "/login/" in driver.current_url
    site.shot("login")

    site.login("clerk_a")
    assert DEPT_A in site.text() and "未开始" in site.text()
    file_input = driver.find_element("css selector", "input[type=file]")
    assert file_input.get_attribute("multiple") is not None
    site.shot("clerk-landing")

    # a file from another department's data is refused with its place
    bad = tmp_path / "别的部门.toml"
    bad.write_text((DEMO / f"{DEPT_A}.toml").read_text(encoding="utf-8").replace(
        f'name = "{DEPT_A}"', 'name = "广州市别的局"', 1), encoding="utf-8")
    file_input.send_keys(str(bad))
    site.button("上传").click()
    site.wait_for("最近一次上传有错误")
    assert "别的部门.toml 第8行 键 department.name" in site.text()
    assert "有错误" in site.text()
    site.shot("clerk-findings")

    driver.find_element("css selector", "input[type=file]").send_keys("\n".join(demo_paths()))
    site.button("上传").click()
    site.wait_for("已生成", timeout=60)
    links = {a.text: a.get_attribute("href") for a in driver.find_elements("css selector", "ul.forms a")}
    suffixes = {".docx", ".xlsx", ".pdf"} if _pdf() else {".docx", ".xlsx"}
    assert {Path(name).suffix for name in links} == suffixes
    assert all(href.endswith(Path(name).suffix) for name, href in links.items())
    drafts = [name for name in links if name.endswith("自评报告.docx")]
    assert drafts == [f"{DEPT_A}_2022年度部门整体支出绩效自评报告.docx"]  # the draft, listed apart (issue 21)
    assert len(links) == 4 * len(suffixes) + 1
    site.shot("clerk-built")
    site.button("送审").click()
    site.button("撤回")
    assert "已送审" in site.text()
    site.shot("clerk-submitted")
    site.logout()

    site.login("reviewer")
    row = driver.find_element("xpath", f"//table[@class='departments']//tr[td/a[text()='{DEPT_A}']]")
    assert "已送审" in row.text and "3" in row.text
    site.shot("reviewer-landing")
    row.find_element("link text", DEPT_A).click()
    site.wait_for("审核")
    assert not driver.find_elements("css selector", "input[type=file]")  # read-only
    driver.find_element("css selector", "textarea").send_keys("项目“森林防火宣传”的执行率请再核对。")
    site.shot("reviewer-department")
    site.button("退回").click()
    site.wait_for("已退回。")
    site.shot("reviewer-returned")
    site.logout()

    site.login("clerk_a")
    assert "已退回" in site.text() and "项目“森林防火宣传”的执行率请再核对。" in site.text()
    assert "审核意见（reviewer" in site.text()
    assert "审批进度" in site.text()
    site.shot("clerk-returned")
    driver.find_element("css selector", "input[type=file]").send_keys(demo_paths()[1])
    site.button("上传").click()
    site.wait_for("已上传。")
    site.button("送审").click()
    site.wait_for("已送审。")
    site.logout()

    site.login("reviewer")
    driver.find_element("link text", DEPT_A).click()
    site.button("审核通过").click()
    site.wait_for("已审核通过")
    driver.find_element("link text", "首页").click()
    site.button("汇总").click()
    site.wait_for("已完成", timeout=60)
    assert f"包括 1 个审核通过的部门：{DEPT_A}" in site.text()
    assert driver.find_element("partial link text", "下载汇总表").get_attribute("download") is not None
    assert driver.find_element("partial link text", "下载全部文件").get_attribute("href")
    site.shot("reviewer-summary")


def _pdf() -> bool:
    from reportgen.render.pdf import find_soffice

    return find_soffice() is not None
