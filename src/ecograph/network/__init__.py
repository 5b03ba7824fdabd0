"""The graph as a network: projection of the RDF into networkx, chains, metrics, GraphML and GEXF."""
