"""项目支出绩效自评表: the per-project self-evaluation form (shared/spec project-form)."""
