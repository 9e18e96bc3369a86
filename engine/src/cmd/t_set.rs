//! Set commands. SCAFFOLD: filled in by the `t_set` work.
