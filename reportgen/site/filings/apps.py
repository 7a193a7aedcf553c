from django.apps import AppConfig


class FilingsConfig(AppConfig):
    name = "reportgen.site.filings"
    label = "filings"
    verbose_name = "填报"

    def ready(self) -> None:
        from reportgen.site.filings import checks  # noqa: F401  (system checks)
