from django.urls import path

from reportgen.site.filings import views

urlpatterns = [
    path("", views.home, name="home"),
    path("review/", views.review, name="review"),
    path("filings/<int:filing_id>/", views.filing, name="filing"),
    path("filings/<int:filing_id>/upload/", views.upload, name="upload"),
    path("filings/<int:filing_id>/remove/", views.remove, name="remove"),
    *[path(f"filings/<int:filing_id>/{name}/", view, name=name) for name, view in views.ACTION_VIEWS.items()],
    path("filings/<int:filing_id>/blank/<str:which>.xlsx", views.blank, name="blank"),
    path("files/input/<int:version_file_id>/<str:name>", views.version_file, name="version_file"),
    path("files/form/<int:build_file_id>/<str:name>", views.build_file, name="build_file"),
    path("years/<int:year_id>/summary/", views.summary_start, name="summary_start"),
    path("summaries/<int:summary_id>/", views.summary, name="summary"),
    path("summaries/<int:summary_id>/table/", views.summary_table, name="summary_table"),
    path("summaries/<int:summary_id>/all/", views.summary_archive, name="summary_archive"),
]
