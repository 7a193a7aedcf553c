"""What an upload must be before anything parses it: a few files, each small, an .xlsx (a
zip holding xl/workbook.xml, not a bomb) or a UTF-8 .toml, with a plain name."""

from __future__ import annotations

import re
import zipfile

from django.conf import settings

from reportgen.limits import MAX_WORKBOOK_EXPANDED

_BAD_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")
_ARCHIVES = (".zip", ".rar", ".7z", ".gz", ".tar", ".tgz", ".bz2", ".xz")
_OLD_FORMATS = {".xls": "Excel 97-2003 工作簿（.xls）", ".et": "WPS 表格文件（.et）",
                ".xlsm": "启用宏的工作簿（.xlsm）", ".xlsb": "二进制工作簿（.xlsb）"}


def refusal(files) -> list[str]:
    """Why these uploaded files are refused (Chinese, one line each), or []."""
    limit = settings.MAX_UPLOAD_BYTES // 1024 // 1024
    if not files:
        return ["请选择要上传的文件（部门填报表，以及各项目的填报表，可一次选择多个）。"]
    if len(files) > settings.MAX_UPLOAD_FILES:
        return [f"一次最多上传 {settings.MAX_UPLOAD_FILES} 个文件，这次选择了 {len(files)} 个。请分批上传。"]
    problems = []
    names = set()
    for file in files:
        name = file.name or ""
        problem = name_problem(name)
        if problem:
            problems.append(problem)
            continue
        if name in names:
            problems.append(f"{name}：选择了两个同名文件。")
        names.add(name)
        if file.size > settings.MAX_UPLOAD_BYTES:
            problems.append(f"{name}：文件过大（{file.size / 1024 / 1024:.1f} MB），超过 {limit} MB 的上限。"
                            "一个部门的数据通常不足 1 MB，请确认选对了文件，或删去其中的图片和无关工作表。")
            continue
        problem = content_problem(file)
        if problem:
            problems.append(f"{name}：{problem}")
    return problems


def name_problem(name: str) -> str | None:
    if not name or name != name.strip() or _BAD_NAME.search(name) or ".." in name or name.startswith("."):
        shown = _BAD_NAME.sub("?", name)[:80]
        return f"文件名「{shown}」不能使用：文件名中不能有路径、斜杠、控制字符或“..”。请改名后再上传。"
    if len(name) > 150:
        return f"文件名过长（{len(name)} 个字），请改短后再上传。"
    return None


def content_problem(file) -> str | None:
    """By the file's content, not only its name."""
    lower = file.name.lower()
    suffix = lower[lower.rfind("."):] if "." in lower else ""
    if suffix in _OLD_FORMATS:
        return f"这是{_OLD_FORMATS[suffix]}，请另存为 .xlsx（Excel 工作簿）后再上传。"
    if suffix in _ARCHIVES:
        return "不接受压缩包，请直接选择其中的 .xlsx 或 .toml 文件（可一次选择多个）。"
    if suffix == ".xlsx":
        file.seek(0)
        try:
            with zipfile.ZipFile(file) as archive:
                infos = archive.infolist()
                names = {info.filename for info in infos}
                expanded = sum(info.file_size for info in infos)
        except (zipfile.BadZipFile, OSError, ValueError):
            return ("不是有效的 Excel 工作簿（.xlsx），可能已损坏，或只是改了扩展名。"
                    "请用 Excel 或 WPS 打开后另存为 .xlsx。")
        finally:
            file.seek(0)
        if "xl/workbook.xml" not in names:
            return "不是 Excel 工作簿（.xlsx）：文件中没有工作簿内容。请用 Excel 或 WPS 另存为 .xlsx。"
        if expanded > MAX_WORKBOOK_EXPANDED:
            return (f"工作簿解压后过大（{expanded / 1024 / 1024:.0f} MB，上限 "
                    f"{MAX_WORKBOOK_EXPANDED // 1024 // 1024} MB），可能含有大量空行、图片或已损坏。"
                    "请把数据复制到空白填报表中再上传。")
        return None
    if suffix == ".toml":
        file.seek(0)
        data = file.read()
        file.seek(0)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return "不是 UTF-8 编码的文本文件。请用记事本打开后“另存为”，编码选 UTF-8。"
        if "\x00" in text:
            return "不是文本文件（含有二进制内容）。"
        return None
    return "只接受 Excel 填报表（.xlsx）和 TOML 数据文件（.toml）。"
