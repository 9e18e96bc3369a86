//! The `struct` library (Roberto Ierusalimschy's struct 0.2, as Redis bundles it):
//! `struct.pack(fmt, ...)`, `struct.unpack(fmt, data [, pos])`, `struct.size(fmt)`.
//!
//! Format: `>` / `<` big / little endian, `!n` alignment, `x` a zero byte, `b B h H l L T i I`
//! integers (`in` / `In` of n bytes, up to 32), `f d` floats, `cn` n chars (`c0`: the whole
//! string when packing, the previous number's length when unpacking), `s` a zero-terminated
//! string, space ignored. Sizes are those of 64-bit Linux (long and size_t are 8 bytes).
//! Integers go through a double and a 64-bit integer, as the C code does.

use mlua::{Lua, MultiValue, Table, Value};

use super::lib_support::{
    LibResult, Out, Raise, arg_error, check_bytes, check_number, error, opt_integer, register,
    results, string, to_number,
};

const MAX_INT_SIZE: usize = 32;
const MAX_ALIGN: usize = 8;

struct Header {
    little: bool,
    align: usize,
}

impl Header {
    fn new() -> Header {
        Header {
            little: true,
            align: 1,
        }
    }
}

struct Format<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Format<'_> {
    fn next(&mut self) -> Option<u8> {
        let c = self.bytes.get(self.at).copied();
        // As in C, the format ends at its first NUL.
        if c == Some(0) {
            return None;
        }
        self.at += 1;
        c
    }

    /// `getnum`: digits at the cursor, or `default` when there are none.
    fn number(&mut self, lua: &Lua, default: usize) -> Result<usize, Raise> {
        let mut seen = false;
        let mut n: usize = 0;
        while let Some(&d) = self.bytes.get(self.at).filter(|d| d.is_ascii_digit()) {
            let digit = (d - b'0') as usize;
            if n > i32::MAX as usize / 10 || n * 10 > i32::MAX as usize - digit {
                return Err(error(lua, "integral size overflow"));
            }
            n = n * 10 + digit;
            self.at += 1;
            seen = true;
        }
        Ok(if seen { n } else { default })
    }
}

/// `optsize`: the size an option takes (0 for the control options).
fn option_size(lua: &Lua, opt: u8, fmt: &mut Format) -> Result<usize, Raise> {
    Ok(match opt {
        b'b' | b'B' => 1,
        b'h' | b'H' => 2,
        b'l' | b'L' | b'T' | b'd' => 8,
        b'f' => 4,
        b'x' => 1,
        b'c' => fmt.number(lua, 1)?,
        b'i' | b'I' => {
            let size = fmt.number(lua, 4)?;
            if size > MAX_INT_SIZE {
                return Err(error(
                    lua,
                    &format!("integral size {size} is larger than limit of {MAX_INT_SIZE}"),
                ));
            }
            size
        }
        _ => 0,
    })
}

/// `gettoalign`: padding before an item of `size` at offset `len`.
fn padding(len: usize, header: &Header, opt: u8, size: usize) -> usize {
    if size == 0 || opt == b'c' {
        return 0;
    }
    let size = size.min(header.align);
    (size.wrapping_sub(len & (size - 1))) & (size - 1)
}

/// `controloptions`: endianness, alignment, space; anything else is an invalid option.
fn control(lua: &Lua, opt: u8, fmt: &mut Format, header: &mut Header) -> Result<(), Raise> {
    match opt {
        b' ' => {}
        b'>' => header.little = false,
        b'<' => header.little = true,
        b'!' => {
            let align = fmt.number(lua, MAX_ALIGN)?;
            if !align.is_power_of_two() {
                return Err(error(
                    lua,
                    &format!("alignment {align} is not a power of 2"),
                ));
            }
            header.align = align;
        }
        other => {
            let message = format!("invalid format option '{}'", other as char);
            return Err(arg_error(lua, 1, &message));
        }
    }
    Ok(())
}

fn put_integer(out: &mut Vec<u8>, n: f64, little: bool, size: usize) {
    let mut value = if n < 0.0 { n as i64 as u64 } else { n as u64 };
    let mut buf = [0u8; MAX_INT_SIZE];
    for i in 0..size {
        let slot = if little { i } else { size - 1 - i };
        buf[slot] = value as u8;
        value = value.checked_shr(8).unwrap_or(0);
    }
    out.extend_from_slice(&buf[..size]);
}

fn get_integer(data: &[u8], little: bool, signed: bool, size: usize) -> f64 {
    let mut l: u64 = 0;
    for i in 0..size {
        let byte = if little { data[size - 1 - i] } else { data[i] };
        l = (l << 8) | byte as u64;
    }
    if !signed {
        return l as f64;
    }
    // The C shift count is taken modulo 64 on the machines Redis runs on.
    let mask = u64::MAX << ((size * 8).wrapping_sub(1) & 63);
    if l & mask != 0 {
        l |= mask;
    }
    l as i64 as f64
}

fn pack(lua: &Lua, mut args: MultiValue) -> LibResult {
    let fmt_bytes = check_bytes(lua, &args, 1)?;
    // The C code then pushes a nil after the arguments: a missing one reads as nil.
    args.push_back(Value::Nil);
    let mut fmt = Format {
        bytes: &fmt_bytes,
        at: 0,
    };
    let mut header = Header::new();
    let mut arg = 2;
    let mut out = Vec::new();
    while let Some(opt) = fmt.next() {
        let mut size = option_size(lua, opt, &mut fmt)?;
        let pad = padding(out.len(), &header, opt, size);
        out.resize(out.len() + pad, 0);
        match opt {
            b'b' | b'B' | b'h' | b'H' | b'l' | b'L' | b'T' | b'i' | b'I' => {
                let n = check_number(lua, &args, arg)?;
                arg += 1;
                put_integer(&mut out, n, header.little, size);
            }
            b'x' => out.push(0),
            b'f' => {
                let f = check_number(lua, &args, arg)? as f32;
                arg += 1;
                let bytes = if header.little {
                    f.to_le_bytes()
                } else {
                    f.to_be_bytes()
                };
                out.extend_from_slice(&bytes);
            }
            b'd' => {
                let d = check_number(lua, &args, arg)?;
                arg += 1;
                let bytes = if header.little {
                    d.to_le_bytes()
                } else {
                    d.to_be_bytes()
                };
                out.extend_from_slice(&bytes);
            }
            b'c' | b's' => {
                let s = check_bytes(lua, &args, arg)?;
                arg += 1;
                if size == 0 {
                    size = s.len();
                }
                if s.len() < size {
                    // The C code checks after moving past the argument: it names the next one.
                    return Err(arg_error(lua, arg, "string too short"));
                }
                out.extend_from_slice(&s[..size]);
                if opt == b's' {
                    out.push(0);
                }
            }
            _ => control(lua, opt, &mut fmt, &mut header)?,
        }
    }
    results([string(lua, &out)?])
}

fn unpack(lua: &Lua, args: MultiValue) -> LibResult {
    let fmt_bytes = check_bytes(lua, &args, 1)?;
    let data = check_bytes(lua, &args, 2)?;
    let start = opt_integer(lua, &args, 3, 1)?;
    if start <= 0 {
        return Err(arg_error(lua, 3, "offset must be 1 or greater"));
    }
    let mut pos = (start - 1) as usize;
    let ld = data.len();
    let mut fmt = Format {
        bytes: &fmt_bytes,
        at: 0,
    };
    let mut header = Header::new();
    // Results go straight into a table (see `Out`): `n` of them so far.
    let out = lua.create_table()?;
    let mut n = 0;
    let too_short = |lua: &Lua| arg_error(lua, 2, "data string too short");
    while let Some(opt) = fmt.next() {
        let mut size = option_size(lua, opt, &mut fmt)?;
        pos = pos.saturating_add(padding(pos, &header, opt, size));
        if size > ld || pos > ld - size {
            return Err(too_short(lua));
        }
        match opt {
            b'b' | b'B' | b'h' | b'H' | b'l' | b'L' | b'T' | b'i' | b'I' => {
                let signed = opt.is_ascii_lowercase();
                let v = get_integer(&data[pos..pos + size], header.little, signed, size);
                n += 1;
                out.raw_set(n, v)?;
            }
            b'x' => {}
            b'f' => {
                let raw: [u8; 4] = data[pos..pos + 4].try_into().expect("4 bytes checked");
                let f = if header.little {
                    f32::from_le_bytes(raw)
                } else {
                    f32::from_be_bytes(raw)
                };
                n += 1;
                out.raw_set(n, f as f64)?;
            }
            b'd' => {
                let raw: [u8; 8] = data[pos..pos + 8].try_into().expect("8 bytes checked");
                let d = if header.little {
                    f64::from_le_bytes(raw)
                } else {
                    f64::from_be_bytes(raw)
                };
                n += 1;
                out.raw_set(n, d)?;
            }
            b'c' => {
                if size == 0 {
                    let previous = match n {
                        0 => None,
                        _ => to_number(lua, &out.raw_get::<Value>(n)?),
                    };
                    let Some(length) = previous else {
                        return Err(error(lua, "format 'c0' needs a previous size"));
                    };
                    n -= 1;
                    size = if length < 0.0 {
                        usize::MAX
                    } else {
                        length as usize
                    };
                    if size > ld || pos > ld - size {
                        return Err(too_short(lua));
                    }
                }
                n += 1;
                out.raw_set(n, string(lua, &data[pos..pos + size])?)?;
            }
            b's' => {
                let Some(end) = data[pos..].iter().position(|&b| b == 0) else {
                    return Err(error(lua, "unfinished string in data"));
                };
                n += 1;
                out.raw_set(n, string(lua, &data[pos..pos + end])?)?;
                size = end + 1;
            }
            _ => control(lua, opt, &mut fmt, &mut header)?,
        }
        pos += size;
    }
    n += 1;
    out.raw_set(n, (pos + 1) as f64)?;
    Ok(Out::Table(out, n))
}

fn size(lua: &Lua, args: MultiValue) -> LibResult {
    let fmt_bytes = check_bytes(lua, &args, 1)?;
    let mut fmt = Format {
        bytes: &fmt_bytes,
        at: 0,
    };
    let mut header = Header::new();
    let mut pos: usize = 0;
    while let Some(opt) = fmt.next() {
        let size = option_size(lua, opt, &mut fmt)?;
        pos = pos.saturating_add(padding(pos, &header, opt, size));
        if opt == b's' {
            return Err(arg_error(lua, 1, "option 's' has no fixed size"));
        } else if opt == b'c' && size == 0 {
            return Err(arg_error(lua, 1, "option 'c0' has no fixed size"));
        }
        if !opt.is_ascii_alphanumeric() {
            control(lua, opt, &mut fmt, &mut header)?;
        }
        pos = pos.saturating_add(size);
    }
    results([Value::Number(pos as f64)])
}

pub fn install(lua: &Lua, globals: &Table) -> mlua::Result<()> {
    let t = lua.create_table()?;
    register(lua, &t, "pack", pack)?;
    register(lua, &t, "unpack", unpack)?;
    register(lua, &t, "size", size)?;
    globals.raw_set("struct", t)
}
