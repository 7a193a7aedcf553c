"""Convert rendered .docx/.xlsx files to PDF with LibreOffice (headless).

宋体/SimSun and 黑体/SimHei are usually missing on a Linux server; fontconfig would
fall back to any CJK face (often a sans one). A private fontconfig file maps them to
Noto Serif CJK SC / Noto Sans CJK SC so the PDF keeps the 宋体 look (layout.md).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

SERIF_NAMES = ("宋体", "SimSun", "新宋体", "NSimSun", "仿宋", "FangSong", "方正小标宋简体")
SANS_NAMES = ("黑体", "SimHei", "微软雅黑", "Microsoft YaHei")

_FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
{aliases}
</fontconfig>
"""
_ALIAS = """  <alias binding="same"><family>{name}</family><prefer><family>{target}</family></prefer></alias>"""


class OfficeMissing(RuntimeError):
    """LibreOffice is not installed (a user-facing condition, not a bug)."""


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def fontconfig_file(directory: Path) -> Path:
    aliases = [_ALIAS.format(name=n, target="Noto Serif CJK SC") for n in SERIF_NAMES]
    aliases += [_ALIAS.format(name=n, target="Noto Sans CJK SC") for n in SANS_NAMES]
    path = directory / "fonts.conf"
    path.write_text(_FONTS_CONF.format(aliases="\n".join(aliases)), encoding="utf-8")
    return path


def convert_to_pdf(sources: Sequence[Path], out_dir: Path, timeout: int = 600) -> list[Path]:
    """Convert files to PDF in out_dir with one LibreOffice process and a private profile
    (so concurrent conversions never clash). Returns the PDF paths."""
    soffice = find_soffice()
    if soffice is None:
        raise OfficeMissing(
            "未找到 LibreOffice，无法生成 PDF。请先安装：Debian/Ubuntu 运行 "
            "“sudo apt-get install libreoffice-writer-nogui libreoffice-calc-nogui "
            "fonts-noto-cjk”，Windows/macOS 请从 libreoffice.org 下载安装。"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="reportgen-soffice-") as work:
        work_dir = Path(work)
        env = dict(os.environ, FONTCONFIG_FILE=str(fontconfig_file(work_dir)))
        profile = (work_dir / "profile").as_uri()
        subprocess.run(
            [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
             "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, sources)],
            check=True, env=env, timeout=timeout,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
    return [out_dir / (Path(s).stem + ".pdf") for s in sources]
