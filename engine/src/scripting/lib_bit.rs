//! The `bit` library (LuaBitOp 1.0, as Redis bundles it): 32-bit operations on Lua numbers.
//!
//! Arguments become 32-bit integers the way LuaBitOp does it: add 2^52 + 2^51 to the double
//! and take the low 32 bits of its representation (so fractions round to nearest even and
//! large numbers wrap modulo 2^32). Results are signed 32-bit numbers.

use mlua::{Lua, MultiValue, Table, Value};

use super::lib_support::{
    LibResult, Raise, arg_error, lua_type_name, register, results, to_number,
};

/// LuaBitOp's `barg`: the argument as 32 bits, or a type error for a non-number.
fn barg(lua: &Lua, args: &MultiValue, index: usize) -> Result<u32, Raise> {
    let value = args.get(index - 1);
    let number = value.and_then(|v| to_number(lua, v));
    let bits = ((number.unwrap_or(0.0) + 6_755_399_441_055_744.0).to_bits() & 0xffff_ffff) as u32;
    if bits == 0 && number.is_none() {
        let got = value.map(lua_type_name).unwrap_or("no value");
        return Err(arg_error(
            lua,
            index,
            &format!("number expected, got {got}"),
        ));
    }
    Ok(bits)
}

fn ret(b: u32) -> LibResult {
    results([Value::Number(b as i32 as f64)])
}

type Unary = fn(u32) -> u32;
type Shift = fn(u32, u32) -> u32;

pub fn install(lua: &Lua, globals: &Table) -> mlua::Result<()> {
    let bit = lua.create_table()?;
    let unary: [(&str, Unary); 3] = [
        ("tobit", |b| b),
        ("bnot", |b| !b),
        ("bswap", |b| b.swap_bytes()),
    ];
    for (name, op) in unary {
        register(lua, &bit, name, move |lua, args| {
            ret(op(barg(lua, &args, 1)?))
        })?;
    }
    let folds: [(&str, Shift); 3] = [
        ("band", |a, b| a & b),
        ("bor", |a, b| a | b),
        ("bxor", |a, b| a ^ b),
    ];
    for (name, op) in folds {
        register(lua, &bit, name, move |lua, args| {
            let mut b = barg(lua, &args, 1)?;
            // LuaBitOp reads the other arguments from the last one down.
            for i in (2..=args.len()).rev() {
                b = op(b, barg(lua, &args, i)?);
            }
            ret(b)
        })?;
    }
    let shifts: [(&str, Shift); 5] = [
        ("lshift", |b, n| b << n),
        ("rshift", |b, n| b >> n),
        ("arshift", |b, n| ((b as i32) >> n) as u32),
        ("rol", |b, n| b.rotate_left(n)),
        ("ror", |b, n| b.rotate_right(n)),
    ];
    for (name, op) in shifts {
        register(lua, &bit, name, move |lua, args| {
            let b = barg(lua, &args, 1)?;
            let n = barg(lua, &args, 2)? & 31;
            ret(op(b, n))
        })?;
    }
    register(lua, &bit, "tohex", |lua, args| {
        let mut b = barg(lua, &args, 1)?;
        let n = if args.len() < 2 {
            8
        } else {
            barg(lua, &args, 2)? as i32
        };
        let (digits, n) = if n < 0 {
            (b"0123456789ABCDEF", n.unsigned_abs())
        } else {
            (b"0123456789abcdef", n as u32)
        };
        // LuaBitOp caps the width at 8 (Redis's build prints 8 digits for i32::MIN too).
        let n = n.min(8) as usize;
        let mut out = vec![0u8; n];
        for slot in out.iter_mut().rev() {
            *slot = digits[(b & 15) as usize];
            b >>= 4;
        }
        results([Value::String(lua.create_string(&out)?)])
    })?;
    globals.raw_set("bit", bit)
}
