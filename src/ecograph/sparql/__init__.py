"""SPARQL: the query catalogue, running queries on the embedded store or an endpoint, result formats."""

__all__: list[str] = []  # the API is in the modules: ecograph.sparql.<module>
