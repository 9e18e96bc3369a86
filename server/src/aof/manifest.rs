//! The log's manifest, as Redis 7 writes it: one line per file, `file <name> seq <n> type <t>`,
//! where the type is `b` (the base: a snapshot in RDB format), `i` (an incremental log, replayed
//! after the base in order) or `h` (history: a file a finished rewrite made obsolete, to be
//! deleted). Files are named `<appendfilename>.<seq>.base.rdb` and `<appendfilename>.<seq>.incr.aof`.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Base,
    Incr,
    History,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub seq: u64,
    pub kind: Kind,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    pub base: Option<Entry>,
    /// Incremental logs, oldest first.
    pub incrs: Vec<Entry>,
}

impl Manifest {
    pub fn base_name(appendfilename: &str, seq: u64) -> String {
        format!("{appendfilename}.{seq}.base.rdb")
    }

    pub fn incr_name(appendfilename: &str, seq: u64) -> String {
        format!("{appendfilename}.{seq}.incr.aof")
    }

    /// Parses a manifest; `Err` says what is wrong. History entries are dropped (their files
    /// are leftovers of a finished rewrite).
    pub fn parse(text: &str) -> Result<Manifest, String> {
        let mut manifest = Manifest::default();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let words: Vec<&str> = line.split_whitespace().collect();
            let bad = || format!("Invalid AOF manifest file format (line {})", number + 1);
            if !words.len().is_multiple_of(2) {
                return Err(bad());
            }
            let (mut name, mut seq, mut kind) = (None, None, None);
            for pair in words.chunks(2) {
                match pair[0] {
                    "file" => name = Some(pair[1]),
                    "seq" => seq = pair[1].parse::<u64>().ok(),
                    "type" => {
                        kind = match pair[1] {
                            "b" => Some(Kind::Base),
                            "i" => Some(Kind::Incr),
                            "h" => Some(Kind::History),
                            _ => return Err(bad()),
                        }
                    }
                    // Unknown keys are ignored, as Redis does, for forward compatibility.
                    _ => {}
                }
            }
            let (Some(name), Some(seq), Some(kind)) = (name, seq, kind) else {
                return Err(bad());
            };
            if name.contains('/') || name.is_empty() {
                return Err(format!("File can't be a path, just a filename: {name}"));
            }
            let entry = Entry {
                name: name.to_string(),
                seq,
                kind,
            };
            match kind {
                Kind::Base if manifest.base.is_some() => {
                    return Err("Found duplicate base file information".into());
                }
                Kind::Base => manifest.base = Some(entry),
                Kind::Incr => {
                    if manifest.incrs.last().is_some_and(|last| last.seq >= seq) {
                        return Err("Found a non-monotonic sequence number".into());
                    }
                    manifest.incrs.push(entry)
                }
                Kind::History => {}
            }
        }
        if manifest.base.is_none() && manifest.incrs.is_empty() {
            return Err("Found an empty AOF manifest".into());
        }
        Ok(manifest)
    }

    pub fn render(&self) -> String {
        let mut text = String::new();
        let kind = |k: Kind| match k {
            Kind::Base => "b",
            Kind::Incr => "i",
            Kind::History => "h",
        };
        for entry in self.base.iter().chain(&self.incrs) {
            text.push_str(&format!(
                "file {} seq {} type {}\n",
                entry.name,
                entry.seq,
                kind(entry.kind)
            ));
        }
        text
    }

    /// The next sequence numbers for a new incremental log and a new base.
    pub fn next_incr_seq(&self) -> u64 {
        self.incrs.last().map_or(1, |e| e.seq + 1)
    }

    pub fn next_base_seq(&self) -> u64 {
        self.base.as_ref().map_or(1, |e| e.seq + 1)
    }

    /// Every file the manifest names.
    pub fn files(&self) -> impl Iterator<Item = &Entry> {
        self.base.iter().chain(&self.incrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        let text = "file a.1.base.rdb seq 1 type b\nfile a.1.incr.aof seq 1 type i\nfile a.2.incr.aof seq 2 type i\n";
        let m = Manifest::parse(text).unwrap();
        assert_eq!(m.render(), text);
        assert_eq!((m.next_base_seq(), m.next_incr_seq()), (2, 3));
        // Redis's own single-incr manifest, and history lines.
        let m = Manifest::parse("file x.1.incr.aof seq 1 type i\nfile x.0.base.rdb seq 0 type h\n")
            .unwrap();
        assert!(m.base.is_none() && m.incrs.len() == 1);
        for bad in [
            "",
            "file a seq 1",
            "file a seq x type i",
            "file ../a seq 1 type i",
            "file a seq 1 type z",
            "file a seq 2 type i\nfile b seq 1 type i",
            "file a seq 1 type b\nfile b seq 2 type b",
        ] {
            assert!(Manifest::parse(bad).is_err(), "{bad:?}");
        }
    }
}
