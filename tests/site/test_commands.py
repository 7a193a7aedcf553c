"""The commands: `reportgen users add` (password on stdin), `reportgen serve` (starts, answers,
stops on Ctrl-C), the deployment check with the README's settings, the migrations up to date,
and the forms' CLI without Django."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.site.conftest import ROOT

# The site's own environment (the test instance) must not leak into the commands run here.
CLEAN = {k: v for k, v in os.environ.items() if not k.startswith(("REPORTGEN_", "DJANGO_"))} | \
    {"REPORTGEN_CACHE_DIR": os.environ.get("REPORTGEN_CACHE_DIR", "")}
REPORTGEN = [sys.executable, "-m", "reportgen"]


def run(args, cwd, stdin="", env=None):
    return subprocess.run([*REPORTGEN, *args], cwd=cwd, input=stdin, capture_output=True, text=True,
                          env={**CLEAN, **(env or {})}, timeout=120)


def test_users_add_reads_the_password_from_stdin_and_the_account_logs_in(tmp_path):
    done = run(["users", "add", "张三", "--role", "clerk", "--dept", "广州市应急管理局"], tmp_path,
               stdin="Zz-secret-2026\n")
    assert done.returncode == 0, done.stderr
    assert "已新建账号「张三」" in done.stdout
    assert (tmp_path / "instance" / "db.sqlite3").is_file()
    assert oct((tmp_path / "instance" / "secret_key").stat().st_mode & 0o777) == "0o600"
    again = run(["users", "add", "张三", "--role", "clerk", "--dept", "x"], tmp_path, stdin="Zz-secret-2026\n")
    assert again.returncode == 1 and "账号「张三」已存在" in again.stderr
    weak = run(["users", "add", "李四", "--role", "reviewer"], tmp_path, stdin="123\n")
    assert weak.returncode == 1 and "密码不符合要求" in weak.stderr and "Traceback" not in weak.stderr
    nodept = run(["users", "add", "王五", "--role", "clerk"], tmp_path, stdin="Zz-secret-2026\n")
    assert nodept.returncode == 1 and "--dept" in nodept.stderr
    with serving(tmp_path) as base:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        page = opener.open(base + "/login/").read().decode()
        token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        data = urllib.parse.urlencode({"username": "张三", "password": "Zz-secret-2026",
                                       "csrfmiddlewaretoken": token}).encode()
        landing = opener.open(urllib.request.Request(base + "/login/", data=data,
                                                     headers={"Referer": base + "/login/"}))
        text = landing.read().decode()
        assert landing.url.rstrip("/").split("/")[-2] == "filings"
        assert 'type="file"' in text and "multiple" in text and "广州市应急管理局" in text


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class serving:
    """`reportgen serve` in a work folder; stopped by SIGINT (Ctrl-C) on exit."""

    def __init__(self, work: Path):
        self.work, self.port = work, free_port()

    def __enter__(self) -> str:
        self.process = subprocess.Popen([*REPORTGEN, "serve", "--port", str(self.port)], cwd=self.work,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        env=CLEAN, start_new_session=True)
        base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/login/", timeout=2)
                return base
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.process.kill()
                    raise AssertionError(self.process.stdout.read()) from None
                time.sleep(0.2)

    def __exit__(self, *exc):
        os.killpg(self.process.pid, signal.SIGINT)  # Ctrl-C reaches the whole group, as on a terminal
        try:
            self.output = self.process.communicate(timeout=30)[0]
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            raise
        self.code = self.process.returncode


def test_serve_starts_migrates_and_stops_on_ctrl_c(tmp_path):
    (tmp_path / "data" / "2021").mkdir(parents=True)
    server = serving(tmp_path)
    with server as base:
        assert "登录" in urllib.request.urlopen(base + "/").read().decode()
        workers = subprocess.run(["pgrep", "-s", str(server.process.pid), "-f", "db_worker"],
                                 capture_output=True, text=True).stdout.split()
        assert len(workers) >= 2  # the check worker and at least one build worker
    assert server.code == 0, server.output
    assert "网站已启动" in server.output and "已停止。" in server.output and "Traceback" not in server.output
    assert "开启填报的年度：2021" in server.output
    assert subprocess.run(["pgrep", "-s", str(server.process.pid)], capture_output=True).returncode == 1
    with pytest.raises(OSError):
        urllib.request.urlopen(base + "/login/", timeout=2)
    import sqlite3

    with sqlite3.connect(tmp_path / "instance" / "db.sqlite3") as db:
        assert db.execute("select year from filings_year").fetchall() == [(2021,)]  # the work folder's year
        assert db.execute("pragma journal_mode").fetchone() == ("wal",)


# The production settings the README gives IT (网站部署): HTTPS behind nginx, the host name.
README_PRODUCTION = {"REPORTGEN_HTTPS": "1", "REPORTGEN_ALLOWED_HOSTS": "jxzp.czj.example.gov.cn"}


def test_check_deploy_is_clean_with_the_readmes_settings(tmp_path):
    assert run(["users", "add", "admin", "--role", "admin"], tmp_path, stdin="Zz-secret-2026\n").returncode == 0
    done = run(["serve", "--check-deploy"], tmp_path, env=README_PRODUCTION)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout + done.stderr
    for key, value in README_PRODUCTION.items():
        assert f"{key}={value}" in (ROOT / "README.md").read_text(encoding="utf-8")
    plain = run(["serve", "--check-deploy"], tmp_path)  # without HTTPS: the warnings say so
    assert plain.returncode == 1 and "SESSION_COOKIE_SECURE" in plain.stderr


def test_migrations_are_up_to_date(tmp_path):
    done = subprocess.run([sys.executable, "-m", "django", "makemigrations", "--check", "--dry-run"],
                          capture_output=True, text=True, cwd=tmp_path,
                          env={**CLEAN, "DJANGO_SETTINGS_MODULE": "reportgen.site.settings",
                               "REPORTGEN_SECRET_KEY": "x", "REPORTGEN_INSTANCE": str(tmp_path)})
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_forms_cli_never_imports_django(tmp_path):
    code = ("import sys, runpy; sys.argv = ['reportgen', 'check', '--year', '2022', '--data', %r]\n"
            "try:\n    runpy.run_module('reportgen', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print('DJANGO' if any(m.split('.')[0] == 'django' for m in sys.modules) else 'NO-DJANGO')")
    done = subprocess.run([sys.executable, "-c", code % str(ROOT / "data")], capture_output=True, text=True,
                          env=CLEAN, cwd=tmp_path)
    assert "可以生成" in done.stdout and done.stdout.strip().endswith("NO-DJANGO"), done.stdout + done.stderr
