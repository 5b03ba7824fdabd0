"""Remote stores: uploading the graph to a SPARQL 1.1 Graph Store."""
