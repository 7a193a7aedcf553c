"""Running filings.child in a child process: a timeout, RLIMIT_AS for checks, JSON in and out."""

from __future__ import annotations

import json
import os
import subprocess
import sys


class ChildFailed(Exception):
    """The child timed out, ran out of memory or crashed; a Chinese message for the page."""


def _limit(memory_mb: int | None):
    if memory_mb is None or os.name != "posix":
        return None

    def limit():
        import resource

        cap = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    return limit


def run(action: str, job: dict, *, timeout: int, memory_mb: int | None = None) -> dict:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    try:
        done = subprocess.run([sys.executable, "-m", "reportgen.site.filings.child", action],
                              input=json.dumps(job, ensure_ascii=False).encode(), capture_output=True,
                              timeout=timeout, env=env, preexec_fn=_limit(memory_mb))  # noqa: PLW1509
    except subprocess.TimeoutExpired:
        raise ChildFailed(f"处理超时（超过 {timeout} 秒）。文件可能过大或已损坏；请检查文件，"
                          "或联系财政局的系统管理员。") from None
    if done.returncode != 0:
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or [""]
        if "MemoryError" in tail[0]:
            raise ChildFailed("文件处理时占用内存过多，可能含有大量空行或已损坏。请把数据复制到空白填报表中再上传。")
        raise ChildFailed(f"处理失败（{tail[0][:200]}）。请联系财政局的系统管理员。")
    return json.loads(done.stdout)
