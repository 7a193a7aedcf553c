from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "reportgen.site.accounts"
    label = "accounts"
    verbose_name = "部门和账号"
