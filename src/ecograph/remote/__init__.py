"""Remote stores: uploading the graph to a SPARQL 1.1 Graph Store."""

__all__: list[str] = []  # the API is in the modules: ecograph.remote.<module>
