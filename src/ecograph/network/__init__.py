"""The graph as a network: projection of the RDF into networkx, chains, metrics, GraphML and GEXF."""

__all__: list[str] = []  # the API is in the modules: ecograph.network.<module>
