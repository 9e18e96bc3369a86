//! Command-line options, as redis-server takes them: an optional config file first, then any
//! config parameter as `--name value [value ...]`. Later settings override earlier ones, and
//! the command line overrides the file.

use ferrite_engine::config::Config;

/// What the command line asks for.
#[derive(Debug)]
pub enum Invocation {
    Serve { config: Box<Config> },
    Version,
    Help,
}

/// The text of the config file, read by the caller (the binary owns file access).
pub type ReadFile<'a> = &'a dyn Fn(&str) -> Result<String, String>;

pub fn parse(args: &[String], read_file: ReadFile<'_>) -> Result<Invocation, String> {
    let mut args = args.iter().peekable();
    match args.peek().map(|s| s.as_str()) {
        Some("-v") | Some("--version") => return Ok(Invocation::Version),
        Some("-h") | Some("--help") => return Ok(Invocation::Help),
        _ => {}
    }
    let mut config = Config::default();
    if let Some(first) = args.peek()
        && !first.starts_with("--")
    {
        let path = args.next().expect("peeked");
        let text = read_file(path)?;
        config.apply_file(&text)?;
    }
    // Rebuild the remaining options as config-file lines: `--port 7000` is `port 7000`.
    let mut lines = String::new();
    for arg in args {
        if let Some(name) = arg.strip_prefix("--") {
            if !lines.is_empty() {
                lines.push('\n');
            }
            lines.push_str(name);
        } else {
            if lines.is_empty() {
                return Err(format!(
                    "unexpected argument '{arg}': options are --name value"
                ));
            }
            lines.push(' ');
            lines.push_str(&quote(arg));
        }
    }
    config.apply_file(&lines)?;
    Ok(Invocation::Serve {
        config: Box::new(config),
    })
}

/// Quotes a command-line value so the config-line splitter reads it back as one argument.
fn quote(value: &str) -> String {
    let mut quoted = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn no_file(_: &str) -> Result<String, String> {
        Err("no file".into())
    }

    #[test]
    fn flags_override_file() {
        let read = |path: &str| -> Result<String, String> {
            assert_eq!(path, "ferrite.conf");
            Ok("port 7000\nhz 20\n".into())
        };
        let Invocation::Serve { config } = parse(
            &args(&["ferrite.conf", "--port", "7001", "--requirepass", "a b"]),
            &read,
        )
        .unwrap() else {
            panic!("expected serve");
        };
        assert_eq!((config.port, config.hz), (7001, 20));
        assert_eq!(config.requirepass.as_deref(), Some(&b"a b"[..]));
    }

    #[test]
    fn multi_value_and_errors() {
        let Invocation::Serve { config } = parse(
            &args(&["--bind", "127.0.0.1", "::1", "--databases", "4"]),
            &no_file,
        )
        .unwrap() else {
            panic!("expected serve");
        };
        assert_eq!(config.bind, vec!["127.0.0.1", "::1"]);
        assert_eq!(config.databases, 4);
        assert!(parse(&args(&["--bogus", "1"]), &no_file).is_err());
        assert!(parse(&args(&["--port", "x"]), &no_file).is_err());
        assert!(parse(&args(&["missing.conf"]), &no_file).is_err());
        assert!(matches!(
            parse(&args(&["--version"]), &no_file),
            Ok(Invocation::Version)
        ));
    }
}
