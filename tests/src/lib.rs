//! Shared helpers for the conformance corpus and end-to-end tests.
