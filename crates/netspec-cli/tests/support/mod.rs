//! What the CLI's test files share: a temporary folder to run `netspec` in.

#![allow(dead_code, reason = "each test file uses the part it needs")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A temporary folder, removed on drop; `name` and a counter make it unique
/// within the process, the process id across test binaries.
pub struct Dir(pub PathBuf);

impl Dir {
    pub fn new(name: &str) -> Dir {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::SeqCst);
        let p = std::env::temp_dir().join(format!(
            "netspec-cli-test-{}-{name}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }

    /// Writes `bytes` to `rel` (making folders) and returns the full path.
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.0.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, bytes).unwrap();
        p
    }

    /// The text of `rel`.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.0.join(rel)).unwrap()
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The README's example (README.md, "The formatter has one layout"): the
/// text as typed, and the layout the README documents for it.
pub const MESSY: &str = "spec demo \"Demo\" { version \"1\" }\n\
inputs \"Unit\" { beds: int min 0 \"Funded beds\" // per unit\n \
nurses:int \"Nurses on shift\" }\n\
area workforce { requirement WF-01 must \"Nurses\" { nurses>=beds and (beds>0) } }\n";

pub const TIDY: &str = "spec demo \"Demo\" { version \"1\" }\n\
\n\
inputs \"Unit\" {\n  \
  beds: int min 0 \"Funded beds\" // per unit\n  \
  nurses: int \"Nurses on shift\"\n\
}\n\
\n\
area workforce {\n  \
  requirement WF-01 must \"Nurses\" {\n    \
    nurses >= beds and beds > 0\n  \
  }\n\
}\n";
