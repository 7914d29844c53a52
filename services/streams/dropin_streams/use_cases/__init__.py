"""One module per use case (or a small group of them); each takes a unit of work and ports."""
