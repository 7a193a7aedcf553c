"""reportgen: builds the 部门整体支出绩效自评表 (department overall-expenditure
performance self-evaluation form) as .docx and .xlsx from structured data."""

__version__ = "0.1.0"
