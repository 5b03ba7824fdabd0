"""``ecograph serve``: the read-only SPARQL 1.1 endpoint, its worker processes and its query page."""
