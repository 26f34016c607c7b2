"""MetaFleX 2.0 metadata model (datasets, samples, images, observations)."""
