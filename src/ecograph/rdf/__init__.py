"""The RDF core: namespaces and terms, loading files into stores, deterministic exports."""

__all__: list[str] = []  # the API is in the modules: ecograph.rdf.<module>
