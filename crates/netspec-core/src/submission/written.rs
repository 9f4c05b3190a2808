//! JSON text → the text `serde_json::to_string` writes for the value the
//! reader makes of it (keys sorted, numbers as serde_json writes them), in
//! one pass, for the text a test's submission usually is: no escapes in its
//! strings, no exponents in its numbers, no repeated key, well within the
//! limits. Anything else gives `None`, and the caller reads the text into a
//! tree and writes that ([`super::read_json_written`]), which stays the
//! reference and finds every error.

use crate::limits::Limits;

/// The written text of `text` (a leading byte order mark already taken
/// off), or `None` when the tree route has to decide.
pub(crate) fn written(text: &str, limits: &Limits) -> Option<String> {
    let mut w = Writer {
        b: text.as_bytes(),
        text,
        i: 0,
        out: Vec::with_capacity(text.len()),
        // below the reader's own limits, and below serde_json's 128 levels
        max_depth: limits.max_json_depth.min(100),
        max_entries: limits.max_list_len,
        members: Vec::new(),
        scratch: Vec::new(),
    };
    w.ws();
    w.value(0)?;
    w.ws();
    if w.i != w.b.len() {
        return None;
    }
    String::from_utf8(w.out).ok()
}

struct Writer<'t> {
    b: &'t [u8],
    text: &'t str,
    i: usize,
    out: Vec<u8>,
    max_depth: usize,
    max_entries: usize,
    /// The members of the objects being written, innermost last.
    members: Vec<Member<'t>>,
    /// An object's members, copied out while they are put in order.
    scratch: Vec<u8>,
}

/// One member of an object: its key and where its `"key":value` text is
/// in the output.
struct Member<'t> {
    key: &'t str,
    start: usize,
    end: usize,
}

impl<'t> Writer<'t> {
    fn at(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.at() {
            self.i += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Option<()> {
        match self.at()? {
            b'{' => self.object(depth + 1),
            b'[' => self.array(depth + 1),
            b'"' => {
                let s = self.string()?;
                self.out.push(b'"');
                self.out.extend_from_slice(s.as_bytes());
                self.out.push(b'"');
                Some(())
            }
            b'-' | b'0'..=b'9' => self.number(),
            _ => {
                for word in ["true", "false", "null"] {
                    if self.b.get(self.i..)?.starts_with(word.as_bytes()) {
                        self.i += word.len();
                        self.out.extend_from_slice(word.as_bytes());
                        return Some(());
                    }
                }
                None
            }
        }
    }

    /// A string without escapes or control characters: its text, which is
    /// also what serde_json writes for it.
    fn string(&mut self) -> Option<&'t str> {
        let start = self.i + 1;
        let rest = self.b.get(start..)?;
        let len = crate::sorted_json::plain_run(rest);
        if rest.get(len) != Some(&b'"') {
            return None;
        }
        self.i = start + len + 1;
        self.text.get(start..start + len)
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?`, written as serde_json writes the
    /// number it reads from it (an exponent is left to the tree route).
    fn number(&mut self) -> Option<()> {
        let start = self.i;
        let digits = |b: &[u8], from: usize| {
            from + b
                .get(from..)
                .map_or(0, |r| r.iter().take_while(|c| c.is_ascii_digit()).count())
        };
        let mut k = start + usize::from(self.at() == Some(b'-'));
        let int_end = digits(self.b, k);
        if int_end == k || (self.b.get(k) == Some(&b'0') && int_end > k + 1) {
            return None;
        }
        k = int_end;
        if self.b.get(k) == Some(&b'.') {
            let frac_end = digits(self.b, k + 1);
            if frac_end == k + 1 {
                return None;
            }
            k = frac_end;
        }
        if matches!(
            self.b.get(k),
            Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
        ) {
            return None;
        }
        let raw = self.text.get(start..k)?;
        // a whole number of up to 18 digits is written as it is read (not
        // `-0`, which serde_json reads as a float)
        if k - start <= 18 && !raw.contains('.') && raw != "-0" {
            self.out.extend_from_slice(raw.as_bytes());
        } else {
            let number: serde_json::Number = raw.parse().ok()?;
            serde_json::to_writer(&mut self.out, &number).ok()?;
        }
        self.i = k;
        Some(())
    }

    fn array(&mut self, depth: usize) -> Option<()> {
        if depth >= self.max_depth {
            return None;
        }
        self.i += 1;
        self.out.push(b'[');
        self.ws();
        if self.at()? == b']' {
            self.i += 1;
            self.out.push(b']');
            return Some(());
        }
        let mut n = 0usize;
        loop {
            n += 1;
            if n >= self.max_entries {
                return None;
            }
            self.value(depth)?;
            self.ws();
            match self.at()? {
                b',' => {
                    self.i += 1;
                    self.out.push(b',');
                    self.ws();
                }
                b']' => {
                    self.i += 1;
                    self.out.push(b']');
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn object(&mut self, depth: usize) -> Option<()> {
        if depth >= self.max_depth {
            return None;
        }
        self.i += 1;
        let begin = self.out.len();
        let base = self.members.len();
        self.ws();
        if self.at()? != b'}' {
            loop {
                if self.members.len() - base + 1 >= self.max_entries || self.at()? != b'"' {
                    return None;
                }
                let key = self.string()?;
                self.ws();
                if self.at()? != b':' {
                    return None;
                }
                self.i += 1;
                self.ws();
                let start = self.out.len();
                self.out.push(b'"');
                self.out.extend_from_slice(key.as_bytes());
                self.out.extend_from_slice(b"\":");
                self.value(depth)?;
                self.members.push(Member {
                    key,
                    start,
                    end: self.out.len(),
                });
                self.ws();
                match self.at()? {
                    b',' => {
                        self.i += 1;
                        self.ws();
                    }
                    b'}' => break,
                    _ => return None,
                }
            }
        }
        self.i += 1;
        // the members in key order (a repeated key: the tree route says so)
        let members = self.members.get_mut(base..)?;
        members.sort_unstable_by(|a, b| a.key.cmp(b.key));
        if members
            .windows(2)
            .any(|p| p.first().map(|m| m.key) == p.get(1).map(|m| m.key))
        {
            return None;
        }
        self.scratch.clear();
        self.scratch.extend_from_slice(self.out.get(begin..)?);
        self.out.truncate(begin);
        self.out.push(b'{');
        for (n, m) in members.iter().enumerate() {
            if n > 0 {
                self.out.push(b',');
            }
            self.out
                .extend_from_slice(self.scratch.get(m.start - begin..m.end - begin)?);
        }
        self.members.truncate(base);
        self.out.push(b'}');
        Some(())
    }
}
