//! Places inside a test's inline `given { … }` JSON: the byte where the
//! JSON reader stopped (a syntax error), and the key or element a JSON
//! pointer names (a problem the submission reader found), so that NS0020
//! points at the offending text rather than at the whole block.

use crate::source::Span;

/// The span of one character of `text` (which starts at `block.start` in
/// the spec) at the reader's `line` and `column` (1-based, in bytes, as
/// serde_json counts them); the whole block when they fall outside it.
pub(super) fn at_line_column(block: Span, text: &str, line: usize, column: usize) -> Span {
    if line == 0 {
        return block;
    }
    let mut start = 0;
    for _ in 1..line {
        match text.get(start..).and_then(|t| t.find('\n')) {
            Some(nl) => start += nl + 1,
            None => return block,
        }
    }
    let mut at = start + column.saturating_sub(1);
    if at >= text.len() {
        // the reader stopped at the end: point at the last character
        at = text.len().saturating_sub(1);
    }
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    let width = text
        .get(at..)
        .and_then(|t| t.chars().next())
        .map_or(1, char::len_utf8);
    span_in(block, at, at + width)
}

/// The span of what `pointer` names in the JSON `text` (valid JSON, the
/// block at `block`): an object member's key, an array element; for a
/// pointer to something not there, its nearest ancestor that is; the whole
/// block for the document itself. With `last`, a key given twice is found
/// at its last place (the one a duplicate-key error is about).
pub(super) fn at_pointer(block: Span, text: &str, pointer: &str, last: bool) -> Span {
    let segments: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    let mut n = segments.len();
    while n > 0 {
        let mut scan = Scan {
            text,
            pos: 0,
            last: last && n == segments.len(),
        };
        if let Some((s, e)) = segments.get(..n).and_then(|segs| scan.find(segs, 0)) {
            return span_in(block, s, e);
        }
        n -= 1;
    }
    block
}

fn span_in(block: Span, start: usize, end: usize) -> Span {
    let base = block.start as usize;
    let s = base.saturating_add(start).min(block.end as usize);
    let e = base.saturating_add(end).min(block.end as usize).max(s);
    Span::new(block.file, s, e)
}

/// Nesting beyond which the scan gives up (the reader refuses deeper JSON
/// long before this: `Limits::max_json_depth`).
const MAX_DEPTH: usize = 256;

struct Scan<'a> {
    text: &'a str,
    pos: usize,
    /// Find the last of a repeated key, not the first.
    last: bool,
}

impl Scan<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// The value at the position names `segs` (empty: the value itself):
    /// its span, or the key's span for an object member it ends at.
    fn find(&mut self, segs: &[String], depth: usize) -> Option<(usize, usize)> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        let Some((first, rest)) = segs.split_first() else {
            let start = self.pos;
            self.skip_value(depth)?;
            return Some((start, self.pos));
        };
        match self.peek()? {
            b'{' => {
                self.pos += 1;
                let mut found = None;
                loop {
                    self.ws();
                    if self.peek()? == b'}' {
                        return found;
                    }
                    let key_start = self.pos;
                    self.skip_string()?;
                    let key_end = self.pos;
                    let key: String =
                        serde_json::from_str(self.text.get(key_start..key_end)?).ok()?;
                    self.ws();
                    if self.peek()? != b':' {
                        return None;
                    }
                    self.pos += 1;
                    if key == *first {
                        if !rest.is_empty() {
                            return self.find(rest, depth + 1);
                        }
                        found = Some((key_start, key_end));
                        if !self.last {
                            return found;
                        }
                    }
                    self.ws();
                    self.skip_value(depth + 1)?;
                    self.ws();
                    if self.peek()? == b',' {
                        self.pos += 1;
                    }
                }
            }
            b'[' => {
                let want: usize = first.parse().ok()?;
                self.pos += 1;
                let mut i = 0;
                loop {
                    self.ws();
                    if self.peek()? == b']' {
                        return None;
                    }
                    if i == want {
                        return self.find(rest, depth + 1);
                    }
                    self.skip_value(depth + 1)?;
                    self.ws();
                    if self.peek()? == b',' {
                        self.pos += 1;
                    }
                    i += 1;
                }
            }
            _ => None,
        }
    }

    fn skip_string(&mut self) -> Option<()> {
        if self.peek()? != b'"' {
            return None;
        }
        self.pos += 1;
        loop {
            match self.peek()? {
                b'"' => {
                    self.pos += 1;
                    return Some(());
                }
                b'\\' => self.pos += 2,
                _ => self.pos += 1,
            }
        }
    }

    fn skip_value(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        match self.peek()? {
            b'"' => self.skip_string(),
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                self.pos += 1;
                loop {
                    self.ws();
                    match self.peek()? {
                        c if c == close => {
                            self.pos += 1;
                            return Some(());
                        }
                        b',' | b':' => self.pos += 1,
                        _ => self.skip_value(depth + 1)?,
                    }
                }
            }
            _ => {
                while !matches!(
                    self.peek(),
                    None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                ) {
                    self.pos += 1;
                }
                Some(())
            }
        }
    }
}

#[cfg(test)]
#[cfg(feature = "compile")]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn text_at(text: &str, pointer: &str) -> String {
        let block = Span::new(FileId::default(), 0, text.len());
        let s = at_pointer(block, text, pointer, false);
        text.get(s.start as usize..s.end as usize)
            .unwrap_or_default()
            .to_string()
    }

    #[test]
    fn pointers_name_keys_and_elements() {
        let t = r#"{ "beds": 3, "units": [{"name": "A"}, {"name": "B", "be\"dz": [1, {"x": 2}]}],
  "a/b": {"c": null} }"#;
        assert_eq!(text_at(t, "/beds"), r#""beds""#);
        assert_eq!(
            text_at(t, "/units/1"),
            r#"{"name": "B", "be\"dz": [1, {"x": 2}]}"#
        );
        assert_eq!(text_at(t, "/units/1/be\"dz"), r#""be\"dz""#);
        assert_eq!(text_at(t, "/units/1/be\"dz/1/x"), r#""x""#);
        assert_eq!(text_at(t, "/a~1b/c"), r#""c""#);
        // values skipped on the way hold the marks that end a bare value
        let u = r#"{"note": "a, b] c}", "list": [" ]", {"k": "}"}], "beds": 3}"#;
        assert_eq!(text_at(u, "/beds"), r#""beds""#);
        assert_eq!(text_at(u, "/list/1/k"), r#""k""#);
        // not there: the nearest ancestor that is
        assert_eq!(text_at(t, "/units/0/beds"), r#"{"name": "A"}"#);
        assert_eq!(text_at(t, "/units/7"), r#""units""#);
        assert_eq!(text_at(t, "/header/period"), t);
        assert_eq!(text_at(t, ""), t);
    }

    #[test]
    fn a_repeated_key_at_its_last_place() {
        let t = r#"{ "beds": 1, "x": {"beds": 5}, "beds": 2 }"#;
        let block = Span::new(FileId::default(), 0, t.len());
        let s = at_pointer(block, t, "/beds", true);
        assert_eq!((s.start, s.end), (31, 37));
        let s = at_pointer(block, t, "/beds", false);
        assert_eq!((s.start, s.end), (2, 8));
        // nothing of the pointer there, not even its first key: the block,
        // whitespace around the document included
        let t = " \n {\"beds\": 1} \n";
        let block = Span::new(FileId::default(), 0, t.len());
        assert_eq!(at_pointer(block, t, "/units/0", false), block);
        assert_eq!(at_pointer(block, t, "", false), block);
    }

    #[test]
    fn the_scan_goes_256_levels_deep_and_no_further() {
        // a value 256 arrays deep is found; one 257 deep cannot be reached,
        // nor can any array around it be skipped: the whole block
        let nested = |n: usize| format!("{}7{}", "[".repeat(n), "]".repeat(n));
        let t = nested(256);
        assert_eq!(text_at(&t, &"/0".repeat(256)), "7");
        let t = nested(257);
        assert_eq!(text_at(&t, &"/0".repeat(257)), t);
        // an element after another 257 arrays deep: skipping the other
        // goes past the limit, and so does skipping any array around it
        let t = format!("{}[1, 2]{}", "[".repeat(256), "]".repeat(256));
        assert_eq!(text_at(&t, &format!("{}/1", "/0".repeat(256))), t);
        // an element before it that reaches 257 deep cannot be skipped
        let t = format!("{}[[1], 2]{}", "[".repeat(255), "]".repeat(255));
        assert_eq!(text_at(&t, &format!("{}/1", "/0".repeat(255))), t);
        let t = format!("{}[[1], 2]{}", "[".repeat(254), "]".repeat(254));
        assert_eq!(text_at(&t, &format!("{}/1", "/0".repeat(254))), "2");
        // one level shallower, the element before is skipped at depth 256
        let t = format!("{}[1, 2]{}", "[".repeat(255), "]".repeat(255));
        assert_eq!(text_at(&t, &format!("{}/1", "/0".repeat(255))), "2");
        // members 258 objects deep: the key 257 deep is past the limit, so
        // the nearest ancestor, the key at depth 256, is what is shown
        let keys: Vec<String> = (0..258).map(|i| format!("k{i}")).collect();
        let mut t = String::new();
        for k in &keys {
            t.push_str(&format!("{{\"{k}\": "));
        }
        t.push('7');
        t.push_str(&"}".repeat(keys.len()));
        let pointer: String = keys.iter().map(|k| format!("/{k}")).collect();
        assert_eq!(text_at(&t, &pointer), "\"k256\"");
        let upto = |n: usize| -> String { keys.iter().take(n).map(|k| format!("/{k}")).collect() };
        assert_eq!(text_at(&t, &upto(257)), "\"k256\"");
        // a member after another at depth 256: skipping the other's value
        // would go past the limit, so the nearest ancestor is shown
        let mut t = String::new();
        for k in keys.iter().take(256) {
            t.push_str(&format!("{{\"{k}\": "));
        }
        t.push_str(r#"{"x": 1, "y": 2}"#);
        t.push_str(&"}".repeat(256));
        assert_eq!(text_at(&t, &format!("{}/x", upto(256))), "\"x\"");
        assert_eq!(text_at(&t, &format!("{}/y", upto(256))), "\"k255\"");
    }

    #[test]
    fn line_and_column_name_one_character() {
        let t = "{ \"beds\": 3,\n  \"units\": [{\"name\": 'A'}] }";
        let block = Span::new(FileId::default(), 10, 10 + t.len());
        let s = at_line_column(block, t, 2, 22);
        assert_eq!((s.start - 10, s.end - 10), (34, 35));
        assert_eq!(t.get(34..35), Some("'"));
        // past the end: the last character; line 0: the block
        let s = at_line_column(block, t, 9, 1);
        assert_eq!(s, block);
        let s = at_line_column(block, t, 2, 500);
        assert_eq!(s.end as usize, 10 + t.len());
        // a column inside a character of several bytes, or past the end of
        // a text that ends with one: that whole character
        let t = "{\"name\": \"Zo\u{eb}\u{1f600}";
        let block = Span::new(FileId::default(), 0, t.len());
        let emoji = t.len() - 4;
        let n = |a: usize| u32::try_from(a).unwrap_or(u32::MAX);
        for column in [emoji + 2, emoji + 3, emoji + 4, 500] {
            let s = at_line_column(block, t, 1, column);
            assert_eq!((s.start, s.end), (n(emoji), n(t.len())), "column {column}");
        }
        let s = at_line_column(block, t, 1, emoji);
        assert_eq!((s.start, s.end), (n(emoji - 2), n(emoji)), "the \u{eb}");
    }
}
