//! Tests of the hash commands.
