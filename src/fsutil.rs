//! Atomic file writes: write a temporary file beside the target, flush it to disk, then rename over.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically, creating parent folders; readers see the old or the new file, never half.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".aispec-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_and_creates_parents() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a/b/c.txt");
        write_atomic(&p, b"one").expect("write");
        write_atomic(&p, b"two").expect("write");
        assert_eq!(std::fs::read_to_string(&p).expect("read"), "two");
        let leftovers = std::fs::read_dir(p.parent().expect("parent")).expect("ls").count();
        assert_eq!(leftovers, 1, "no temporary files left behind");
    }
}
