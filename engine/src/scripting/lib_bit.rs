//! The `bit` library (stub).
use mlua::{Lua, Table};
pub fn register(_lua: &Lua, _globals: &Table) -> mlua::Result<()> {
    Ok(())
}
