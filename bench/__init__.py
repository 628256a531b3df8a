"""Benchmarks of mockzenoti and of the references it is measured against (``make bench``)."""
