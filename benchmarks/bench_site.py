"""Benchmark: deadline day on the bureau's site.

    python benchmarks/bench_site.py --departments 12 100 [--pdf]

For each size N, in a fresh work folder: `reportgen serve` is started as IT would run it
(gunicorn, one check worker, build workers), N clerk accounts are made and logged in, then N
departments upload their workbooks (the demo department and its 3 projects, renamed per
department) at the same moment, while a page reader keeps opening the clerks' pages. It reports:

- the upload requests: all answered 302 (kept), their p50/p99/max latency;
- page latency (p50/p99) of the pages read from the burst until the last form was built;
- time until the last form: from the burst until every department is 已生成;
- that every department's forms exist (4 forms x formats) and no request failed.

Needs the `serve` extra. PDFs are off unless --pdf (then LibreOffice converts each build's).
Prints readable lines, then one JSON line last.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "2022"
DEMO_DEPT = "广州市应急管理局"
PASSWORD = "Bench-pass-2026"


def department_files(name: str) -> list[tuple[str, bytes]]:
    """The demo department and its projects, as department `name`'s."""
    files = [(f"{name}.toml", (DEMO / f"{DEMO_DEPT}.toml").read_text(encoding="utf-8"))]
    files += [(p.name, p.read_text(encoding="utf-8")) for p in sorted((DEMO / "项目" / DEMO_DEPT).glob("*.toml"))]
    return [(file, text.replace(DEMO_DEPT, name).encode()) for file, text in files]


def multipart(files: list[tuple[str, bytes]], fields: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for key, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
    for name, data in files:
        quoted = urllib.parse.quote(name)
        parts.append((f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{quoted}"; '
                      f"filename*=UTF-8''{quoted}\r\nContent-Type: application/octet-stream\r\n\r\n").encode()
                     + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Clerk:
    def __init__(self, base: str, name: str):
        self.base, self.name = base, name
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.raw = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def token(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def login(self) -> None:
        self.opener.open(self.base + "/login/").read()
        data = urllib.parse.urlencode({"username": self.name, "password": PASSWORD,
                                       "csrfmiddlewaretoken": self.token()}).encode()
        page = self.opener.open(urllib.request.Request(self.base + "/login/", data=data))
        self.page = page.url
        page.read()

    def upload(self, files) -> tuple[int, float]:
        body, kind = multipart(files, {"csrfmiddlewaretoken": self.token()})
        request = urllib.request.Request(self.page + "upload/", data=body,
                                         headers={"Content-Type": kind, "Referer": self.page})
        start = time.perf_counter()
        try:
            status = self.raw.open(request, timeout=120).status
        except urllib.error.HTTPError as exc:
            status = exc.code
        return status, time.perf_counter() - start

    def read_page(self) -> tuple[int, float]:
        start = time.perf_counter()
        try:
            with self.opener.open(self.page, timeout=60) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        return status, time.perf_counter() - start


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_size(n: int, pdf: bool, workers: int | None) -> dict:
    work = Path(tempfile.mkdtemp(prefix="reportgen-bench-site-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REPORTGEN_", "DJANGO_"))}
    env["REPORTGEN_PDF"] = "1" if pdf else "0"
    reportgen = [sys.executable, "-m", "reportgen"]
    names = [f"基准测试局{i:03d}" for i in range(n)]
    try:
        (work / "data" / "2022").mkdir(parents=True)
        _make_accounts(work, names, env)
        port = free_port()
        serve = subprocess.Popen([*reportgen, "serve", "--port", str(port), *(["--workers", str(workers)]
                                                                              if workers else [])],
                                 cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                 start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        _wait_up(base, serve)
        clerks = [Clerk(base, f"clerk{i:03d}") for i in range(n)]
        start = time.perf_counter()
        _parallel([c.login for c in clerks], 8)
        login_s = time.perf_counter() - start
        payloads = {c.name: department_files(name) for c, name in zip(clerks, names, strict=True)}
        barrier = threading.Barrier(n + 1)
        uploads: list[tuple[int, float]] = []

        def one(clerk):
            barrier.wait()
            uploads.append(clerk.upload(payloads[clerk.name]))

        threads = [threading.Thread(target=one, args=(c,)) for c in clerks]
        for t in threads:
            t.start()
        pages: list[tuple[float, int, float]] = []
        done = threading.Event()

        def reader():
            i = 0
            while not done.is_set():
                status, took = clerks[i % n].read_page()
                pages.append((time.perf_counter(), status, took))
                i += 1
                time.sleep(0.05)

        readers = [threading.Thread(target=reader) for _ in range(2)]
        barrier.wait()
        burst = time.perf_counter()
        for t in readers:
            t.start()
        for t in threads:
            t.join()
        uploads_s = time.perf_counter() - burst
        db = work / "instance" / "db.sqlite3"
        last = _wait_built(db, n, timeout=60 + n * (30 if pdf else 6))
        finished = time.perf_counter() - burst
        done.set()
        for t in readers:
            t.join()
        formats = 3 if pdf else 2
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
            states = dict(con.execute("select state, count(*) from filings_filing group by state").fetchall())
            kept = con.execute("select count(distinct filing_id) from filings_upload").fetchone()[0]
            forms = con.execute("select count(*) from filings_buildfile f join filings_filing g "
                                "on g.current_build_id = f.build_id").fetchone()[0]
        os.killpg(serve.pid, signal.SIGINT)
        serve.communicate(timeout=60)
        page_times = [took for _, status, took in pages]
        result = {
            "departments": n, "pdf": pdf, "logins_s": round(login_s, 2),
            "uploads_ok": sum(1 for s, _ in uploads if s == 302), "uploads_failed": sum(1 for s, _ in uploads
                                                                                         if s != 302),
            "upload_p50_ms": round(pct([t for _, t in uploads], 50) * 1000),
            "upload_p99_ms": round(pct([t for _, t in uploads], 99) * 1000),
            "upload_max_ms": round(max(t for _, t in uploads) * 1000),
            "uploads_answered_s": round(uploads_s, 2),
            "pages_read": len(pages), "pages_failed": sum(1 for _, s, _ in pages if s != 200),
            "page_p50_ms": round(pct(page_times, 50) * 1000), "page_p99_ms": round(pct(page_times, 99) * 1000),
            "last_form_s": round(finished, 1), "built": states.get("built", 0), "states": states,
            "uploads_kept": kept, "forms": forms, "forms_expected": n * 4 * formats, "all_built_seen": last,
        }
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _make_accounts(work: Path, names: list[str], env: dict) -> None:
    """The accounts, made in one process through the same service as `reportgen users add`."""
    code = (
        "import sys\n"
        "from reportgen.site import launch\n"
        "launch.setup(); launch.migrate(2022)\n"
        "from reportgen.site.accounts.services import user_create\n"
        f"for i, name in enumerate({names!r}):\n"
        f"    user_create(name=f'clerk{{i:03d}}', password={PASSWORD!r}, role='clerk', department=name)\n")
    subprocess.run([sys.executable, "-c", code], cwd=work, env=env, check=True)


def _wait_up(base: str, serve) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/login/", timeout=2).read()
            return
        except OSError:
            if serve.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("reportgen serve did not start:\n" + (serve.stdout.read() or "")) from None
            time.sleep(0.2)


def _wait_built(db: Path, n: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
                settled = con.execute("select count(*) from filings_filing where state in ('built', 'errors')"
                                      ).fetchone()[0]
        except sqlite3.OperationalError:
            settled = 0
        if settled >= n:
            return True
        time.sleep(0.2)
    return False


def _parallel(calls, width: int) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(width) as pool:
        for future in [pool.submit(c) for c in calls]:
            future.result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--departments", type=int, nargs="+", default=[12, 100])
    parser.add_argument("--pdf", action="store_true", help="forms also as PDF (LibreOffice)")
    parser.add_argument("--workers", type=int, default=None, help="build workers (serve --workers)")
    args = parser.parse_args()
    results = []
    for n in args.departments:
        r = run_size(n, args.pdf, args.workers)
        results.append(r)
        print(f"{n} departments{' with PDF' if args.pdf else ''}: uploads {r['uploads_ok']} kept / "
              f"{r['uploads_failed']} failed, upload p50 {r['upload_p50_ms']} ms p99 {r['upload_p99_ms']} ms "
              f"(all answered in {r['uploads_answered_s']} s); pages during the burst: {r['pages_read']} read, "
              f"{r['pages_failed']} failed, p50 {r['page_p50_ms']} ms p99 {r['page_p99_ms']} ms; "
              f"last form after {r['last_form_s']} s; built {r['built']}/{n}, forms {r['forms']}/"
              f"{r['forms_expected']}; logins took {r['logins_s']} s")
    print(json.dumps(results, ensure_ascii=False))
    bad = [r for r in results if r["uploads_failed"] or r["pages_failed"] or r["built"] != r["departments"]
           or r["forms"] != r["forms_expected"] or r["uploads_kept"] != r["departments"]]
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
