//! Hash commands. SCAFFOLD: filled in by the `t_hash` work.
