"""Form kinds: one folder each (reportgen/forms/<kind>/), found through reportgen.forms.registry."""
