"""Classes that the Rust types in tests/shop/mod.rs stand for."""
