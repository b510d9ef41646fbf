"""Benchmarks: the product's own code paths against hand-written SQL on a generated data set (``make bench``)."""
