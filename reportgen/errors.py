"""Every error a user can meet, under one base class.

A ``ReportgenError`` carries the Chinese text the user reads and the exit code; the CLI
catches the base class once (the root group: reportgen.cli.chinese.Group.invoke) and prints
it. Internal guards that a user can never trigger stay ordinary Python exceptions.
"""

from __future__ import annotations

from reportgen.findings import Finding


class ReportgenError(Exception):
    """A user error: `message` is Chinese, says what is wrong, where, and how to fix it."""

    exit_code = 1

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


class InputError(ReportgenError):
    """An input file cannot be built; carries the located findings that say why."""

    def __init__(self, findings: list[Finding]):
        self.findings = [f for f in findings if f.level == "error"] or findings
        super().__init__("\n".join(str(f) for f in self.findings))

    def __reduce__(self):  # a file read in a worker process, found unreadable, crosses back
        return InputError, (self.findings,)


class NotFound(ReportgenError):
    """A year folder, a department or project, a file the user named does not exist."""


class TemplateError(ReportgenError):
    """A template an admin edited cannot be rendered (the message names the tag)."""


class OfficeMissing(ReportgenError):
    """LibreOffice, needed for PDF output, is not installed."""


class ConversionFailed(ReportgenError):
    """LibreOffice ran but did not produce the PDFs."""
