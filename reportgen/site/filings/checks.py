"""System checks (`python -m django check`): the storage root is writable; LibreOffice for PDFs."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.compatibility, deploy=True)
def storage_root(app_configs, **kwargs):
    root = settings.STORAGE_ROOT
    if not root.is_dir() or not os.access(root, os.W_OK):
        return [Warning(f"实例文件夹 {root} 不存在或不可写。", id="reportgen.W001",
                        hint="在工作文件夹中运行 reportgen serve，或设置 REPORTGEN_INSTANCE。")]
    return []


@register(Tags.compatibility)
def libreoffice(app_configs, **kwargs):
    from reportgen.render.pdf import find_soffice

    if settings.PDF and find_soffice() is None:
        return [Warning("未安装 LibreOffice：表格只生成 Word 和 Excel，不生成 PDF。", id="reportgen.W002",
                        hint="sudo apt-get install libreoffice-writer-nogui fonts-noto-cjk，或设置 REPORTGEN_PDF=0。")]
    return []
