//! Command table rows of the `hash` group (see `super` for what the fields mean).

use crate::command::Spec;

pub static COMMANDS: &[Spec] = &[];
