//! Command table rows of the `set` group (see `super` for what the fields mean).

use crate::command::Spec;

pub static COMMANDS: &[Spec] = &[];
