"""Form kinds: each subpackage holds one kind of self-evaluation form."""
