"""The RDF core: namespaces and terms, loading files into stores, deterministic exports."""
