//! A loopback Azure for tests, benchmarks and demo mode.
