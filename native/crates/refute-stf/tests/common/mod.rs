//! Shared helpers for the integration tests: where the third-party fixtures are.
mod fixtures;

pub use fixtures::*;
