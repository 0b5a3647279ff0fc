"""`make bench`: throughput, latency, scale and start-up figures; never collected by pytest."""
