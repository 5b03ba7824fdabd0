"""``ecograph serve``: the read-only SPARQL 1.1 endpoint, its worker processes and its query page."""

__all__: list[str] = []  # the API is in the modules: ecograph.endpoint.<module>
