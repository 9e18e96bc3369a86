//! Script headers: `#!lua flags=no-writes,allow-oom` on EVAL scripts and `#!lua name=lib` on
//! FUNCTION libraries, with Redis 7.0's flags and error wording.
//!
//! The header line stays part of the compiled chunk as a blank line, so line numbers in error
//! messages count it, as Redis's do.

/// Flags a script (or a registered function) declares.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScriptFlags {
    /// A shebang was present (scripts without one keep Redis's pre-7.0 behaviour).
    pub declared: bool,
    pub no_writes: bool,
    pub allow_oom: bool,
    pub allow_stale: bool,
    pub no_cluster: bool,
    pub allow_cross_slot_keys: bool,
}

impl ScriptFlags {
    /// Sets one flag by its Redis name; false if unknown.
    pub fn set(&mut self, name: &[u8]) -> bool {
        match name {
            b"no-writes" => self.no_writes = true,
            b"allow-oom" => self.allow_oom = true,
            b"allow-stale" => self.allow_stale = true,
            b"no-cluster" => self.no_cluster = true,
            b"allow-cross-slot-keys" => self.allow_cross_slot_keys = true,
            _ => return false,
        }
        true
    }

    /// The flag names, in Redis's order (FUNCTION LIST).
    pub fn names(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        for (on, name) in [
            (self.no_writes, "no-writes"),
            (self.allow_oom, "allow-oom"),
            (self.allow_stale, "allow-stale"),
            (self.no_cluster, "no-cluster"),
            (self.allow_cross_slot_keys, "allow-cross-slot-keys"),
        ] {
            if on {
                names.push(name);
            }
        }
        names
    }
}

/// The body to compile: the shebang line (if any) blanked, keeping its newline.
pub fn body_without_shebang(body: &[u8]) -> &[u8] {
    if body.starts_with(b"#!") {
        match body.iter().position(|&b| b == b'\n') {
            Some(end) => &body[end..],
            None => b"",
        }
    } else {
        body
    }
}

/// Parses an EVAL script's shebang, if it has one.
pub fn parse_eval(body: &[u8]) -> Result<ScriptFlags, String> {
    let mut flags = ScriptFlags::default();
    if !body.starts_with(b"#!") {
        return Ok(flags);
    }
    flags.declared = true;
    let Some(end) = body.iter().position(|&b| b == b'\n') else {
        return Err("ERR Invalid script shebang".into());
    };
    let line = &body[..end];
    let mut parts = line.split(|&b| b == b' ').filter(|p| !p.is_empty());
    let engine = parts.next().unwrap_or_default();
    if engine != b"#!lua" {
        return Err(format!(
            "ERR Unexpected engine in script shebang: {}",
            String::from_utf8_lossy(engine)
        ));
    }
    for part in parts {
        let Some(list) = part.strip_prefix(b"flags=") else {
            return Err(format!(
                "ERR Unknown lua shebang option: {}",
                String::from_utf8_lossy(part)
            ));
        };
        for flag in list.split(|&b| b == b',').filter(|f| !f.is_empty()) {
            if !flags.set(flag) {
                return Err(format!(
                    "ERR Unexpected flag in script shebang: {}",
                    String::from_utf8_lossy(flag)
                ));
            }
        }
    }
    Ok(flags)
}

/// Parses a FUNCTION library's header and returns the library name.
pub fn parse_library(code: &[u8]) -> Result<String, String> {
    if !code.starts_with(b"#!") {
        return Err("ERR Missing library metadata".into());
    }
    let end = code.iter().position(|&b| b == b'\n').unwrap_or(code.len());
    let mut parts = code[..end].split(|&b| b == b' ').filter(|p| !p.is_empty());
    let engine = &parts.next().unwrap_or_default()[2..];
    if !engine.eq_ignore_ascii_case(b"lua") {
        return Err(format!(
            "ERR Engine '{}' not found",
            String::from_utf8_lossy(engine)
        ));
    }
    let mut name = None;
    for part in parts {
        match part.strip_prefix(b"name=") {
            Some(value) => name = Some(String::from_utf8_lossy(value).into_owned()),
            None => {
                return Err(format!(
                    "ERR Invalid metadata value given: {}",
                    String::from_utf8_lossy(part)
                ));
            }
        }
    }
    match name {
        Some(name) => Ok(name),
        None => Err("ERR Library name was not given".into()),
    }
}

/// True for names Redis accepts for libraries and functions.
pub fn valid_name(name: &[u8]) -> bool {
    !name.is_empty() && name.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eval_shebangs() {
        assert_eq!(parse_eval(b"return 1"), Ok(ScriptFlags::default()));
        let flags = parse_eval(b"#!lua  flags=no-writes,allow-oom\nreturn 1").unwrap();
        assert!(flags.declared && flags.no_writes && flags.allow_oom);
        assert_eq!(
            parse_eval(b"#!lua flags=bogus\n").unwrap_err(),
            "ERR Unexpected flag in script shebang: bogus"
        );
        assert_eq!(
            parse_eval(b"#!lua").unwrap_err(),
            "ERR Invalid script shebang"
        );
        assert_eq!(
            parse_eval(b"#!py\n").unwrap_err(),
            "ERR Unexpected engine in script shebang: #!py"
        );
        assert_eq!(
            parse_eval(b"#!lua name=x\n").unwrap_err(),
            "ERR Unknown lua shebang option: name=x"
        );
        assert_eq!(body_without_shebang(b"#!lua\nreturn 1"), b"\nreturn 1");
    }

    #[test]
    fn library_headers() {
        assert_eq!(parse_library(b"#!lua name=lib\n"), Ok("lib".into()));
        assert_eq!(
            parse_library(b"return 1").unwrap_err(),
            "ERR Missing library metadata"
        );
        assert_eq!(
            parse_library(b"#!lua\n").unwrap_err(),
            "ERR Library name was not given"
        );
        assert_eq!(
            parse_library(b"#!py name=x\n").unwrap_err(),
            "ERR Engine 'py' not found"
        );
        assert_eq!(
            parse_library(b"#!lua name=x foo=bar\n").unwrap_err(),
            "ERR Invalid metadata value given: foo=bar"
        );
    }
}
