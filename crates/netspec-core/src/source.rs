//! Source files and spans: the [`Sources`] the caller hands over (file
//! name → text; the engine never reads files itself), the [`SourceMap`] of
//! the files one compilation loaded, and [`Span`]s, byte ranges in them,
//! located as line and column only when a diagnostic leaves the library.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

/// Index of a loaded file within one compilation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
pub struct Span {
    /// The file the range is in.
    pub file: FileId,
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from byte offsets.
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span {
            file,
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The byte range as `usize`.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// The texts a compilation may read, by file name.
///
/// Names are `/`-separated paths; a `use "common/x.netspec"` in `a/b.netspec`
/// is looked up as `a/common/x.netspec`.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: BTreeMap<String, Arc<str>>,
    /// Files a reader would not or could not hand over, and why.
    problems: BTreeMap<String, FileProblem>,
}

/// Why a file named by a spec is not in its [`Sources`] although it was
/// looked for (a file that is simply absent has no problem: NS0008).
#[derive(Debug, Clone, PartialEq)]
pub enum FileProblem {
    /// The reader refused the path: outside the folder the spec may read,
    /// not a regular file, or through a symlink leaving that folder (NS0311).
    /// Whether such a file exists is never said.
    Refused,
    /// Larger than the bytes of spec text left (NS0301); the number is the
    /// limit it went over.
    TooLarge(usize),
    /// Not UTF-8 (NS0309).
    NotUtf8(NotUtf8),
}

/// Where text that should be UTF-8 stops being it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotUtf8 {
    /// Byte offset of the first invalid byte.
    pub offset: usize,
    /// Its line, from 1.
    pub line: usize,
}

impl Sources {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// A set holding one file.
    pub fn single(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        let mut s = Self::new();
        s.insert(name, text);
        s
    }

    /// Adds (or replaces) a file.
    pub fn insert(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>) {
        self.files.insert(normalize_path(&name.into()), text.into());
    }

    /// Builder form of [`Sources::insert`].
    #[must_use]
    pub fn with(mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        self.insert(name, text);
        self
    }

    /// The text of a file, if present.
    pub fn get(&self, name: &str) -> Option<&Arc<str>> {
        self.files.get(&normalize_path(name))
    }

    /// File names in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Records why a file is not supplied; compiling reports it with its
    /// own code instead of "not found".
    pub fn set_problem(&mut self, name: impl Into<String>, problem: FileProblem) {
        self.problems.insert(normalize_path(&name.into()), problem);
    }

    /// Why a file is not supplied, if a reader said.
    pub fn problem(&self, name: &str) -> Option<&FileProblem> {
        self.problems.get(&normalize_path(name))
    }

    /// Total bytes of text held.
    pub fn total_bytes(&self) -> usize {
        self.files.values().map(|t| t.len()).sum()
    }
}

/// Text from bytes that must be UTF-8, or where the first invalid byte is
/// ([`crate::diagnostic::decode_utf8`] makes that an NS0309 error).
pub fn utf8(bytes: &[u8]) -> Result<&str, NotUtf8> {
    std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let line = bytes
            .get(..offset)
            .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count())
            + 1;
        NotUtf8 { offset, line }
    })
}

/// Joins a `use` path to the directory of the file that names it.
pub fn resolve_relative(from: &str, target: &str) -> String {
    if target.starts_with('/') {
        return normalize_path(target);
    }
    let dir = from.rsplit_once('/').map_or("", |(dir, _)| dir);
    if dir.is_empty() {
        normalize_path(target)
    } else {
        normalize_path(&format!("{dir}/{target}"))
    }
}

/// Removes `.` segments, folds `..` and repeated slashes; backslashes count as slashes.
pub fn normalize_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let unified = path.replace('\\', "/");
    let absolute = unified.starts_with('/');
    for seg in unified.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if matches!(parts.last(), Some(p) if *p != "..") {
                    parts.pop();
                } else {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// One loaded file with its line index.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Normalised file name.
    pub name: String,
    /// Full text.
    pub text: Arc<str>,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Indexes a file.
    pub fn new(name: String, text: Arc<str>) -> Self {
        // counted first, so that the vector is made once at its size
        let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count();
        let mut line_starts = Vec::with_capacity(lines + 1);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        SourceFile {
            name,
            text,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line + 1, col + 1)
    }

    /// Length in bytes of the line holding a byte offset.
    pub fn line_len(&self, offset: usize) -> usize {
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let end = self
            .line_starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        end.saturating_sub(start)
    }

    /// The text of a span, if it lies on character boundaries.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
}

/// The files loaded for one compilation, indexed by [`FileId`].
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// Adds a file and returns its id.
    pub fn add(&mut self, name: String, text: Arc<str>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile::new(name, text));
        id
    }

    /// A loaded file.
    pub fn file(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// The id of a loaded file by name.
    pub fn find(&self, name: &str) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.name == name)
            .and_then(|i| u32::try_from(i).ok())
            .map(FileId)
    }

    /// All loaded files.
    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// Source text under a span.
    pub fn slice(&self, span: Span) -> &str {
        self.file(span.file).map_or("", |f| f.slice(span))
    }

    /// Where a span starts, for people.
    pub fn locate(&self, span: Span) -> Option<Location> {
        let f = self.file(span.file)?;
        let (line, column) = f.line_col(span.start as usize);
        let (end_line, end_column) = f.line_col(span.end as usize);
        Some(Location {
            file: f.name.clone(),
            start: span.start as usize,
            end: span.end as usize,
            line,
            column,
            end_line,
            end_column,
        })
    }
}

/// A resolved position: file, byte range and 1-based line/column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Location {
    /// File name as given to the compiler.
    pub file: String,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// 1-based line of `start`.
    pub line: usize,
    /// 1-based column (in characters) of `start`.
    pub column: usize,
    /// 1-based line of `end`.
    pub end_line: usize,
    /// 1-based column of `end`.
    pub end_column: usize,
}

#[cfg(test)]
#[cfg(feature = "compile")]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_resolve_against_the_using_file() {
        assert_eq!(resolve_relative("a/b.netspec", "c.netspec"), "a/c.netspec");
        assert_eq!(
            resolve_relative("b.netspec", "common/c.netspec"),
            "common/c.netspec"
        );
        assert_eq!(resolve_relative("a/b.netspec", "../c.netspec"), "c.netspec");
        assert_eq!(normalize_path("./x//y/./z"), "x/y/z");
    }

    #[test]
    fn line_and_column_count_characters() {
        let f = SourceFile::new("x".into(), Arc::from("ab\ncé d"));
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        // 'é' is two bytes: "d" is at byte 7, the 4th character of line 2
        assert_eq!(f.line_col(7), (2, 4));
    }
}
