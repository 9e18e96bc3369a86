//! List commands. SCAFFOLD: filled in by the `t_list` work.
