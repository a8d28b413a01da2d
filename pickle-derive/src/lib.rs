//! Derive macros for `pickle-core`.
