//! Confined reading of the files a spec names.
//!
//! A spec names other files: `use "common/x.netspec"` and, in its tests,
//! `given file "examples/full.json"`. Specs come from anyone, so a reader
//! that opens whatever path a spec names would let a spec read its host's
//! files (`use "/etc/passwd"`), hang on a FIFO or `/dev/stdin`, or fill the
//! memory from `/dev/zero`. A [`ConfinedReader`] reads only
//!
//! - paths inside one folder (by default the folder of the spec being
//!   compiled), compared after folding `.` and `..`, before anything on disk
//!   is touched;
//! - regular files (no devices, FIFOs, sockets or folders);
//! - through symlinks only when the file they lead to is inside the folder
//!   too (the canonical paths are compared);
//! - at most the bytes of spec text left under [`crate::Limits::max_source_bytes`]:
//!   the size is checked from the file's metadata and again while reading,
//!   which stops one byte past the limit.
//!
//! A refused path is [`FileProblem::Refused`], reported as NS0311 with a
//! message that is the same whether or not the file exists.
//! [`crate::gather_files`] uses one; [`crate::gather_sources`] takes a
//! closure for sources held in memory.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use crate::source::{normalize_path, FileProblem};

/// Reads files only inside one folder (see the [module](self) documentation).
#[derive(Debug, Clone)]
pub struct ConfinedReader {
    /// The folder as an absolute path with `.` and `..` folded, `/`-separated.
    lexical: Option<String>,
    /// The folder with every symlink resolved.
    canonical: Option<PathBuf>,
}

/// What reading one file gave.
#[derive(Debug, Clone, PartialEq)]
pub enum FileRead {
    /// The text.
    Text(String),
    /// Nothing there (inside the folder).
    NotFound,
    /// Not read, and why.
    Problem(FileProblem),
}

impl ConfinedReader {
    /// A reader for the files inside `folder` (which should exist; when it
    /// does not, every read is refused).
    pub fn new(folder: &Path) -> Self {
        ConfinedReader {
            lexical: absolute_lexical(folder),
            canonical: std::fs::canonicalize(folder).ok(),
        }
    }

    /// A reader for the folder holding the spec file `spec` (the current
    /// folder when `spec` names none).
    pub fn for_spec(spec: &Path) -> Self {
        match spec.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => ConfinedReader::new(dir),
            _ => ConfinedReader::new(Path::new(".")),
        }
    }

    /// Whether `name` lies inside the folder by its text alone (nothing on
    /// disk is looked at).
    pub fn inside(&self, name: &str) -> bool {
        let (Some(root), Some(path)) = (&self.lexical, absolute_lexical(Path::new(name))) else {
            return false;
        };
        if path.split('/').any(|s| s == "..") {
            return false;
        }
        root == "/"
            || path
                .strip_prefix(root.as_str())
                .is_some_and(|r| r.starts_with('/'))
    }

    /// Reads `name` (a path as the spec's file names give it: relative to
    /// the current folder, or absolute), at most `max_bytes` bytes.
    pub fn read(&self, name: &str, max_bytes: usize) -> FileRead {
        let refused = FileRead::Problem(FileProblem::Refused);
        if !self.inside(name) {
            return refused;
        }
        let Some(root) = &self.canonical else {
            return refused;
        };
        let path = Path::new(name);
        match std::fs::symlink_metadata(path) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return FileRead::NotFound,
            Err(_) => return refused,
        }
        // following symlinks: the file itself must be regular and inside
        let Ok(meta) = std::fs::metadata(path) else {
            return refused;
        };
        if !meta.is_file() {
            return refused;
        }
        match std::fs::canonicalize(path) {
            Ok(real) if real.starts_with(root) => {}
            _ => return refused,
        }
        let too_large = FileRead::Problem(FileProblem::TooLarge(max_bytes));
        if meta.len() > u64::try_from(max_bytes).unwrap_or(u64::MAX) {
            return too_large;
        }
        let Ok(file) = open_nonblocking(path) else {
            return refused;
        };
        // the path may have been swapped since it was looked at
        match file.metadata() {
            Ok(m) if m.is_file() => {}
            _ => return refused,
        }
        let mut bytes = Vec::new();
        let cap = u64::try_from(max_bytes)
            .unwrap_or(u64::MAX)
            .saturating_add(1);
        if file.take(cap).read_to_end(&mut bytes).is_err() {
            return refused;
        }
        if bytes.len() > max_bytes {
            return too_large;
        }
        match String::from_utf8(bytes) {
            Ok(text) => FileRead::Text(text),
            Err(e) => match crate::source::utf8(e.as_bytes()) {
                Err(p) => FileRead::Problem(FileProblem::NotUtf8(p)),
                Ok(_) => refused,
            },
        }
    }
}

/// Opens a file for reading; on Unix without blocking, so a path swapped
/// for a FIFO after it was checked cannot hang the reader.
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        // O_NONBLOCK
        options.custom_flags(0o4000);
    }
    #[cfg(target_os = "macos")]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(0x0004);
    }
    options.open(path)
}

/// `path` made absolute against the current folder, `.` and `..` folded,
/// `/`-separated; `None` when it is not UTF-8 or there is no current folder.
fn absolute_lexical(path: &Path) -> Option<String> {
    let abs = std::path::absolute(path).ok()?;
    let text = abs.to_str()?;
    let n = normalize_path(text);
    // a Windows path keeps its drive letter as the first segment
    Some(if n.is_empty() { "/".to_string() } else { n })
}

#[cfg(test)]
#[cfg(feature = "compile")]
mod tests {
    use super::*;

    #[test]
    fn paths_outside_the_folder_are_refused_before_the_disk_is_read() {
        let r = ConfinedReader::new(Path::new("/tmp/netspec-root"));
        assert!(r.inside("/tmp/netspec-root/a.netspec"));
        assert!(r.inside("/tmp/netspec-root/x/../a.netspec"));
        assert!(!r.inside("/tmp/netspec-root/../a.netspec"));
        assert!(!r.inside("/tmp/netspec-rootx/a.netspec"));
        assert!(!r.inside("/etc/passwd"));
        assert!(!r.inside("/dev/zero"));
        assert_eq!(
            r.read("/etc/passwd", 100),
            FileRead::Problem(FileProblem::Refused)
        );
    }
}
