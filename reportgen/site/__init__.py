"""The bureau's web site (`reportgen serve`): a Django project, installed with the `serve`
extra. Nothing is imported here, so the forms' CLI never loads Django."""
