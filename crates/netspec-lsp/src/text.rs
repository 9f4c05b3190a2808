//! Positions: the protocol's (line, UTF-16 column) and the engine's byte
//! offsets, both ways; and `file:` URIs and paths.

use std::path::{Path, PathBuf};

use lsp_types::{Position, Range};

/// The starts of a text's lines, for converting positions.
pub struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    /// The lines of `text`.
    pub fn new(text: &'t str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { text, starts }
    }

    /// The position of the byte offset `offset` (clamped to the text).
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..)
            .map_or(0, |rest| netspec::ide::utf16_offset(rest, offset - start));
        Position::new(
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(column).unwrap_or(u32::MAX),
        )
    }

    /// The range of the bytes `start..end`.
    pub fn range(&self, start: usize, end: usize) -> Range {
        Range::new(self.position(start), self.position(end.max(start)))
    }

    /// The byte offset of `p` (a column past the line's end is its end; a
    /// line past the text's end is the text's end).
    pub fn offset(&self, p: Position) -> usize {
        let Some(&start) = self.starts.get(p.line as usize) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(p.line as usize + 1)
            .map_or(self.text.len(), |&e| e.saturating_sub(1));
        let line = self.text.get(start..end).unwrap_or("");
        start + netspec::ide::byte_offset(line, p.character as usize)
    }

    /// The range of the whole text.
    pub fn whole(&self) -> Range {
        self.range(0, self.text.len())
    }
}

/// The path of a `file:` URI, percent-decoded; `None` for other schemes
/// and for paths that are not absolute.
pub fn uri_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // file://host/path: only the local host
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes.get(i).copied().unwrap_or(0);
        if b == b'%' {
            let hex = rest
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match hex {
                Some(v) => {
                    out.push(v);
                    i += 3;
                    continue;
                }
                None => return None,
            }
        }
        if b == b'?' || b == b'#' {
            break;
        }
        out.push(b);
        i += 1;
    }
    let path = String::from_utf8(out).ok()?;
    if path.contains('\0') {
        return None;
    }
    Some(PathBuf::from(path))
}

/// The `file:` URI of an absolute path.
pub fn path_uri(path: &Path) -> String {
    let mut s = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn positions_count_utf16() {
        let t = "ab\nc😀d\n";
        let l = Lines::new(t);
        assert_eq!(l.position(4), Position::new(1, 1));
        assert_eq!(l.position(t.find('d').unwrap()), Position::new(1, 3));
        assert_eq!(l.offset(Position::new(1, 3)), t.find('d').unwrap());
        assert_eq!(l.offset(Position::new(1, 99)), t.len() - 1);
        assert_eq!(l.offset(Position::new(9, 0)), t.len());
    }

    #[test]
    fn uris_and_paths() {
        assert_eq!(
            uri_path("file:///a%20b/c.netspec").unwrap(),
            PathBuf::from("/a b/c.netspec")
        );
        assert_eq!(
            path_uri(Path::new("/a b/c.netspec")),
            "file:///a%20b/c.netspec"
        );
        assert_eq!(uri_path("untitled:Untitled-1"), None);
        assert_eq!(uri_path("file:///a%00b"), None);
        assert_eq!(uri_path("file:///a%zz"), None);
    }
}
