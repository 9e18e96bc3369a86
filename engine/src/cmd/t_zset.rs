//! ZSet commands. SCAFFOLD: filled in by the `t_zset` work.
