"""SPARQL: the query catalogue, running queries on the embedded store or an endpoint, result formats."""
