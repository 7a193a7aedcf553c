"""`reportgen serve` and `reportgen users`: the instance folder prepared (secret key,
database migrated, roles, the year), then the web server and the background workers run as
child processes until Ctrl-C (or SIGTERM from systemd) stops them all."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

SETTINGS = "reportgen.site.settings"


def setup(work_dir: Path | None = None, *, create: bool = True) -> Path:
    """Environment for the settings module (instance folder in the work folder, a secret key
    made once), then django.setup(). Returns the instance folder."""
    work = (work_dir or Path.cwd()).resolve()
    instance = Path(os.environ.get("REPORTGEN_INSTANCE") or work / "instance").resolve()
    os.environ["REPORTGEN_INSTANCE"] = str(instance)
    os.environ.setdefault("REPORTGEN_WORK_DIR", str(work))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    if create:
        (instance / "static").mkdir(parents=True, exist_ok=True)  # whitenoise's STATIC_ROOT
        key = instance / "secret_key"
        if not key.exists() and not os.environ.get("REPORTGEN_SECRET_KEY") \
                and not os.environ.get("REPORTGEN_SECRET_KEY_FILE"):
            fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(secrets.token_urlsafe(50))
    import django

    django.setup()
    return instance


def migrate(year: int | None = None) -> None:
    """The database created or brought up to date; the roles; a year to fill in."""
    from django.core.management import call_command

    from reportgen.site.accounts.services import ensure_groups
    from reportgen.site.filings.models import Year

    call_command("migrate", verbosity=0, interactive=False)
    ensure_groups()
    if year is not None:
        Year.objects.get_or_create(year=year)
    elif not Year.objects.exists():
        Year.objects.create(year=default_year())


def default_year() -> int:
    """The newest data/<year>/ of the work folder (as `build` would use), else the newest year
    of the sample data (the year `reportgen init` starts a work folder with). The bureau sets
    the real one with --year or in the admin; `serve` says which year is open."""
    from django.conf import settings

    from reportgen.resources import sample_data_dir

    for data in (settings.WORK_DIR / "data", sample_data_dir()):
        years = [int(p.name) for p in data.iterdir() if p.is_dir() and p.name.isdigit()] if data.is_dir() else []
        if years:
            return max(years)
    from datetime import date

    return date.today().year - 1


def open_years() -> str:
    from reportgen.site.filings.models import Year

    years = [str(y) for y in Year.objects.filter(open=True).order_by("year").values_list("year", flat=True)]
    return "、".join(years) or "无"


def recover() -> None:
    """Work left unfinished by a stop (a worker killed mid-task) queued again; the tasks
    claim their row, so work queued twice runs once."""
    from reportgen.site.filings.models import Build, Summary, Upload
    from reportgen.site.filings.tasks import build_version, check_upload, summarize

    for upload in Upload.objects.filter(status=Upload.Status.CHECKING):
        check_upload.enqueue(upload.pk)
    for build in Build.objects.filter(status__in=[Build.Status.RUNNING, Build.Status.QUEUED]):
        Build.objects.filter(pk=build.pk).update(status=Build.Status.QUEUED)
        build_version.enqueue(build.pk)
    for summary in Summary.objects.filter(status__in=[Summary.Status.RUNNING, Summary.Status.QUEUED]):
        Summary.objects.filter(pk=summary.pk).update(status=Summary.Status.QUEUED)
        summarize.enqueue(summary.pk)


def commands(host: str, port: int, web_workers: int, build_workers: int) -> list[tuple[str, list[str]]]:
    python = sys.executable
    if os.name == "nt":  # gunicorn needs fork: waitress on Windows
        web = [python, "-m", "waitress", f"--listen={host}:{port}", f"--threads={4 * web_workers}",
               "reportgen.site.wsgi:application"]
    else:
        web = [python, "-m", "gunicorn", "reportgen.site.wsgi:application", "--bind", f"{host}:{port}",
               "--workers", str(web_workers), "--timeout", "120", "--graceful-timeout", "10",
               "--forwarded-allow-ips", os.environ.get("REPORTGEN_FORWARDED_ALLOW_IPS", "127.0.0.1"),
               "--log-level", "warning"]
    worker = [python, "-m", "django", "db_worker", "--interval", "0.5", "--no-reload", "--verbosity", "0"]
    return [("网站", web), ("检查", [*worker, "--queue-name", "check"])] + \
        [(f"生成{i + 1}", [*worker, "--queue-name", "build,summary"]) for i in range(build_workers)]


def serve(host: str, port: int, *, web_workers: int = 2, build_workers: int | None = None,
          year: int | None = None, echo=print) -> int:
    """Run until Ctrl-C; 0 when stopped by it, 1 when a part of the site died."""
    if not os.environ.get("REPORTGEN_ALLOWED_HOSTS"):
        # --host 0.0.0.0: reached by whatever name or address the office uses (IT names the
        # site's host in production: README, 网站部署); otherwise the address given and this machine
        names = ["*"] if host in ("0.0.0.0", "::") else ["localhost", "127.0.0.1", "[::1]", host]
        os.environ["REPORTGEN_ALLOWED_HOSTS"] = ",".join(dict.fromkeys(names))
    instance = setup()
    migrate(year)
    recover()
    years = open_years()
    from django.db import connections

    connections.close_all()
    build_workers = build_workers or max(1, (os.cpu_count() or 2) // 2)
    children: list[tuple[str, subprocess.Popen]] = []
    stop = {"signal": None}

    def on_signal(signum, frame):
        stop["signal"] = signum

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        for name, argv in commands(host, port, web_workers, build_workers):
            # own process group: Ctrl-C reaches only this process, which stops them in order
            group = {"process_group": 0} if os.name == "posix" else {}
            children.append((name, subprocess.Popen(argv, **group)))
        shown = "localhost" if host in ("0.0.0.0", "::", "127.0.0.1") else host
        echo(f"网站已启动：http://{shown}:{port}/  （数据在 {instance}；按 Ctrl-C 停止）")
        echo(f"开启填报的年度：{years}（可用 --year 增加，或在管理页面 /admin/ 的“年度”中修改）")
        failed = None
        while stop["signal"] is None and failed is None:
            time.sleep(0.2)
            failed = next((name for name, child in children if child.poll() is not None), None)
        if failed:
            echo(f"错误：{failed}进程意外退出，网站已停止。请查看上面的信息。")
        else:
            echo("正在停止……")
        _stop(children)
        echo("已停止。")
        return 1 if failed else 0
    finally:
        _stop(children)
        for s, handler in previous.items():
            signal.signal(s, handler)


def _stop(children, grace: float = 15.0) -> None:
    """SIGTERM to each (gunicorn and db_worker finish what they are doing), then SIGKILL."""
    for _, child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + grace
    for _, child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def check_deploy() -> int:
    """`python -m django check --deploy` with the environment as it is (README, 网站部署)."""
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    try:
        call_command("check", deploy=True, fail_level="WARNING")
    except SystemCheckError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0
