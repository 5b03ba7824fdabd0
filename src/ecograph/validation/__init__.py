"""Validation: SHACL shapes (compiled to SPARQL, or pySHACL), integrity checks and OWL reasoning."""

__all__: list[str] = []  # the API is in the modules: ecograph.validation.<module>
