//! The one door for reading workspace files: the path must resolve inside the workspace, the file must be a
//! regular file (checked before it is opened, so a FIFO or a device can neither hang nor flood aispec), and it
//! is read with a size limit per kind of file. Text must be UTF-8 without NUL bytes.

use std::fs::{File, Metadata};
use std::io::Read as _;
use std::path::{Path, PathBuf};

const MIB: u64 = 1024 * 1024;

/// The most bytes aispec reads from one kind of file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Largest size accepted, in bytes.
    pub bytes: u64,
    /// The kind of file, for messages ("answers files").
    pub what: &'static str,
}

impl Limit {
    /// TOML and Markdown the workspace is made of: settings, specialists, prompts, tests, screenings, templates.
    pub const TEXT: Limit = Limit {
        bytes: 8 * MIB,
        what: "workspace text files",
    };
    /// Answers and journey files given with `--answers`.
    pub const ANSWERS: Limit = Limit {
        bytes: MIB,
        what: "answers files",
    };
    /// Files under a specialist's `knowledge/` folder (Open WebUI's upload limit is what users know).
    pub const KNOWLEDGE: Limit = Limit {
        bytes: 20 * MIB,
        what: "knowledge files",
    };
    /// Saved evaluation results (`evals/*.json`, `--compare FILE`) and Open WebUI export files.
    pub const RESULTS: Limit = Limit {
        bytes: 256 * MIB,
        what: "results and export files",
    };

    /// The limit in whole MiB, for messages.
    pub fn mib(self) -> u64 {
        self.bytes / MIB
    }
}

/// Why a workspace file was not read.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The path resolves (through a symbolic link or `..`) to a place outside the workspace.
    #[error("the path leads outside the workspace (to {})", .target.display())]
    OutsideWorkspace {
        /// Where it leads.
        target: PathBuf,
    },
    /// A FIFO, device, socket or folder where a file should be.
    #[error("the path is {kind}, not a regular file")]
    NotRegularFile {
        /// What it is instead ("a FIFO (named pipe)").
        kind: &'static str,
    },
    /// Larger than the limit for its kind.
    #[error("the file is {}; the limit for {} is {} MiB", size_text(*.size), .limit.what, .limit.mib())]
    TooLarge {
        /// Size in bytes (at least this much when the file grew while it was read).
        size: u64,
        /// The limit that applied.
        limit: Limit,
    },
    /// A NUL byte in text.
    #[error("the file contains a NUL byte (line {line}, column {column})")]
    NulByte {
        /// 1-based line.
        line: usize,
        /// 1-based column in characters.
        column: usize,
    },
    /// The bytes are not UTF-8.
    #[error("the file is not valid UTF-8 (first bad byte at line {line}, column {column})")]
    NotUtf8 {
        /// 1-based line of the first invalid byte.
        line: usize,
        /// 1-based column of the first invalid byte.
        column: usize,
    },
    /// The OS refused (missing file, no permission, symbolic link loop…).
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl FileError {
    /// The stable diagnostic code.
    pub fn code(&self) -> &'static str {
        match self {
            FileError::OutsideWorkspace { .. } => "outside-workspace",
            FileError::NotRegularFile { .. } => "not-regular-file",
            FileError::TooLarge { .. } => "file-too-large",
            FileError::NulByte { .. } => "nul-byte",
            FileError::NotUtf8 { .. } => "not-utf8",
            FileError::Io(e) => match e.kind() {
                std::io::ErrorKind::NotFound => "missing-file",
                _ if is_loop(e) => "symlink-loop",
                _ => "unreadable",
            },
        }
    }

    /// How to fix it.
    pub fn hint(&self) -> String {
        match self {
            FileError::OutsideWorkspace { .. } => "aispec reads only files inside the workspace; replace the link \
                with a copy of what it points to (a link to a place inside the workspace is fine)"
                .to_owned(),
            FileError::NotRegularFile { kind: "a folder" } => "replace the folder with a file".to_owned(),
            FileError::NotRegularFile { .. } => {
                "replace it with an ordinary file; aispec does not read pipes, devices or sockets".to_owned()
            }
            FileError::TooLarge { limit, .. } if *limit == Limit::KNOWLEDGE => {
                "split the document or remove pages the specialist does not need".to_owned()
            }
            FileError::TooLarge { limit, .. } => format!("keep {} under {} MiB", limit.what, limit.mib()),
            FileError::NulByte { .. } => {
                "remove the NUL byte; it is not text (was a binary file saved under a text name?)".to_owned()
            }
            FileError::NotUtf8 { .. } => {
                "save the file with UTF-8 encoding (æ, ø and å must be UTF-8, not Latin-1)".to_owned()
            }
            FileError::Io(e) => match e.kind() {
                std::io::ErrorKind::NotFound => "create the file or fix the path".to_owned(),
                std::io::ErrorKind::PermissionDenied => "make the file readable (chmod u+r)".to_owned(),
                _ if is_loop(e) => {
                    "the path is a symbolic link that points back at itself; replace it with the real file".to_owned()
                }
                _ => "check that the file exists and can be read".to_owned(),
            },
        }
    }

    /// Where in the file the problem is, when it is at a place (1-based line and column).
    pub fn position(&self) -> Option<(usize, usize)> {
        match self {
            FileError::NulByte { line, column } | FileError::NotUtf8 { line, column } => Some((*line, *column)),
            _ => None,
        }
    }

    /// True when the file simply does not exist.
    pub fn is_missing(&self) -> bool {
        matches!(self, FileError::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }
}

fn is_loop(e: &std::io::Error) -> bool {
    // ELOOP on Linux; `ErrorKind::FilesystemLoop` is not stable yet.
    e.raw_os_error() == Some(40)
}

fn size_text(bytes: u64) -> String {
    if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else {
        format!("{bytes} bytes")
    }
}

/// Reads files inside one folder tree (the workspace) and nowhere else.
#[derive(Debug, Clone)]
pub struct Reader {
    root: PathBuf,
    real_root: PathBuf,
}

impl Reader {
    /// A reader confined to `root`.
    pub fn new(root: &Path) -> Self {
        Reader {
            root: root.to_path_buf(),
            real_root: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
        }
    }

    /// The real path of `path` (relative to the root, or absolute) with every symbolic link resolved, when it
    /// exists and lies inside the root.
    pub fn resolve(&self, path: &Path) -> Result<PathBuf, FileError> {
        let real = self.root.join(path).canonicalize()?;
        if real.starts_with(&self.real_root) {
            Ok(real)
        } else {
            Err(FileError::OutsideWorkspace { target: real })
        }
    }

    /// True when something (even a broken link) is at `path`.
    pub fn exists(&self, path: &Path) -> bool {
        std::fs::symlink_metadata(self.root.join(path)).is_ok()
    }

    /// The metadata of the regular file at `path`, checked to be inside the workspace.
    pub fn file_metadata(&self, path: &Path) -> Result<Metadata, FileError> {
        let real = self.resolve(path)?;
        let meta = std::fs::metadata(real)?;
        regular(&meta)?;
        Ok(meta)
    }

    /// True when `path` resolves to a folder inside the workspace.
    pub fn is_dir(&self, path: &Path) -> bool {
        self.resolve(path)
            .ok()
            .and_then(|p| std::fs::metadata(p).ok())
            .is_some_and(|m| m.is_dir())
    }

    /// The bytes of the regular file at `path`, at most `limit`.
    pub fn read(&self, path: &Path, limit: Limit) -> Result<Vec<u8>, FileError> {
        read_file(&self.resolve(path)?, limit)
    }

    /// The text of the regular file at `path`: at most `limit` bytes of UTF-8 without NUL bytes.
    pub fn read_text(&self, path: &Path, limit: Limit) -> Result<String, FileError> {
        text(self.read(path, limit)?)
    }

    /// Names of the entries (of any kind) of the folder at `path`, sorted, without hidden ones. The folder must
    /// resolve inside the workspace; each entry is checked when it is read.
    pub fn files_in(&self, path: &Path) -> Result<Vec<String>, FileError> {
        let real = self.resolve(path)?;
        let mut names: Vec<String> = std::fs::read_dir(real)?
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| !n.starts_with('.'))
            .collect();
        names.sort();
        Ok(names)
    }

    /// The sub-folders of the folder at `path` that resolve inside the workspace, sorted, without hidden ones;
    /// entries that lead outside come back apart. The folder itself must resolve inside, or the whole listing is
    /// the error.
    pub fn subfolders(&self, path: &Path) -> Result<Subfolders, FileError> {
        let real = self.resolve(path)?;
        let mut names = Vec::new();
        let mut problems = Vec::new();
        let Ok(entries) = std::fs::read_dir(&real) else {
            return Ok(Subfolders {
                names,
                outside: problems,
            });
        };
        for entry in entries.filter_map(Result::ok) {
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            if name.starts_with('.') {
                continue;
            }
            let is_link = entry.file_type().is_ok_and(|t| t.is_symlink());
            if !is_link {
                if entry.file_type().is_ok_and(|t| t.is_dir()) {
                    names.push(name);
                }
                continue;
            }
            match self.resolve(&path.join(&name)) {
                Ok(target) if target.is_dir() => names.push(name),
                Ok(_) => {}
                Err(e @ FileError::OutsideWorkspace { .. }) => problems.push((name, e)),
                Err(_) => {}
            }
        }
        names.sort();
        problems.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Subfolders {
            names,
            outside: problems,
        })
    }
}

/// The bytes of the regular file at `real`, a path a [`Reader`] resolved (so already known to be inside the
/// workspace), at most `limit`. The type is checked before the file is opened and again on the open handle.
pub fn read_file(real: &Path, limit: Limit) -> Result<Vec<u8>, FileError> {
    let meta = std::fs::metadata(real)?;
    regular(&meta)?;
    if meta.len() > limit.bytes {
        return Err(FileError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    let file = open(real)?;
    // The path could have been swapped between the check and the open; the handle is what counts.
    let meta = file.metadata()?;
    regular(&meta)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len().min(limit.bytes)).unwrap_or(0));
    file.take(limit.bytes + 1).read_to_end(&mut bytes)?;
    let size = bytes.len() as u64;
    if size > limit.bytes {
        return Err(FileError::TooLarge { size, limit });
    }
    Ok(bytes)
}

/// A folder listing: the sub-folders that may be read, and the entries that lead outside the workspace.
#[derive(Debug)]
pub struct Subfolders {
    /// Names of sub-folders inside the workspace, sorted.
    pub names: Vec<String>,
    /// Names of entries leading outside, with the reason, sorted.
    pub outside: Vec<(String, FileError)>,
}

/// Accepts only regular files.
fn regular(meta: &Metadata) -> Result<(), FileError> {
    if meta.is_file() {
        return Ok(());
    }
    Err(FileError::NotRegularFile { kind: kind_of(meta) })
}

fn kind_of(meta: &Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

/// Opens without blocking (a FIFO swapped in after the check must not hang the open) and without following a
/// symbolic link swapped in at the last component.
#[cfg(unix)]
fn open(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    File::options()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW)
        .open(path)
}

#[cfg(not(unix))]
fn open(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

/// Bytes as text: UTF-8 without NUL bytes, with the place of the first bad byte.
pub fn text(bytes: Vec<u8>) -> Result<String, FileError> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let (line, column) = place(e.as_bytes(), valid);
        FileError::NotUtf8 { line, column }
    })?;
    if let Some(at) = text.find('\0') {
        let (line, column) = place(text.as_bytes(), at);
        return Err(FileError::NulByte { line, column });
    }
    Ok(text)
}

/// 1-based line and character column of a byte offset in (partly valid) UTF-8.
fn place(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace() -> (tempfile::TempDir, Reader) {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("ws/a")).expect("mkdir");
        std::fs::write(dir.path().join("ws/a/f.md"), "hej\n").expect("write");
        std::fs::write(dir.path().join("outside.md"), "hemmelig\n").expect("write");
        let reader = Reader::new(&dir.path().join("ws"));
        (dir, reader)
    }

    #[test]
    fn reads_regular_files_inside() {
        let (_dir, r) = workspace();
        assert_eq!(r.read_text(Path::new("a/f.md"), Limit::TEXT).expect("read"), "hej\n");
    }

    #[cfg(unix)]
    #[test]
    fn links_inside_stay_and_links_outside_are_refused() {
        let (dir, r) = workspace();
        let ws = dir.path().join("ws");
        std::os::unix::fs::symlink("f.md", ws.join("a/inside.md")).expect("symlink");
        std::os::unix::fs::symlink("../../outside.md", ws.join("a/out.md")).expect("symlink");
        std::os::unix::fs::symlink("/", ws.join("a/root")).expect("symlink");
        assert_eq!(
            r.read_text(Path::new("a/inside.md"), Limit::TEXT).expect("read"),
            "hej\n"
        );
        let err = r.read(Path::new("a/out.md"), Limit::TEXT).expect_err("outside");
        assert_eq!(err.code(), "outside-workspace");
        let err = r
            .read(Path::new("a/../../outside.md"), Limit::TEXT)
            .expect_err("dot-dot");
        assert_eq!(err.code(), "outside-workspace");
        let err = r
            .read(&dir.path().join("outside.md"), Limit::TEXT)
            .expect_err("absolute");
        assert_eq!(err.code(), "outside-workspace");
        let err = r.subfolders(Path::new("a/root")).expect_err("folder outside");
        assert_eq!(err.code(), "outside-workspace");
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_folders_are_refused_before_reading() {
        let (dir, r) = workspace();
        let ws = dir.path().join("ws");
        std::os::unix::fs::symlink("/dev/zero", ws.join("zero.md")).expect("symlink");
        let err = r.read(Path::new("zero.md"), Limit::TEXT).expect_err("device");
        assert_eq!(err.code(), "outside-workspace", "/dev is outside the workspace");
        let inside = Reader::new(Path::new("/dev"));
        let err = inside.read(Path::new("zero"), Limit::TEXT).expect_err("device");
        assert_eq!(err.code(), "not-regular-file");
        assert_eq!(err.to_string(), "the path is a character device, not a regular file");
        let err = r.read(Path::new("a"), Limit::TEXT).expect_err("folder");
        assert_eq!(err.code(), "not-regular-file");
        let status = std::process::Command::new("mkfifo")
            .arg(ws.join("a/pipe.md"))
            .status()
            .expect("mkfifo");
        assert!(status.success());
        let err = r.read(Path::new("a/pipe.md"), Limit::TEXT).expect_err("fifo");
        assert_eq!(err.to_string(), "the path is a FIFO (named pipe), not a regular file");
    }

    #[test]
    fn the_limit_has_its_own_error() {
        let (dir, r) = workspace();
        std::fs::write(dir.path().join("ws/big.toml"), vec![b'a'; 2 * MIB as usize]).expect("write");
        let err = r.read(Path::new("big.toml"), Limit::ANSWERS).expect_err("too large");
        assert_eq!(err.code(), "file-too-large");
        assert_eq!(
            err.to_string(),
            "the file is 2.0 MiB; the limit for answers files is 1 MiB"
        );
        assert!(r.read(Path::new("big.toml"), Limit::TEXT).is_ok());
    }

    #[test]
    fn text_has_no_nul_bytes_and_is_utf8() {
        let err = text(b"linje 1\nab\0c".to_vec()).expect_err("nul");
        assert_eq!((err.code(), err.position()), ("nul-byte", Some((2, 3))));
        let err = text(b"\xe6ble".to_vec()).expect_err("latin-1");
        assert_eq!((err.code(), err.position()), ("not-utf8", Some((1, 1))));
        assert_eq!(text("æble\n".as_bytes().to_vec()).expect("text"), "æble\n");
    }

    #[test]
    fn missing_files_say_so() {
        let (_dir, r) = workspace();
        let err = r.read(Path::new("nope.md"), Limit::TEXT).expect_err("missing");
        assert!(err.is_missing());
        assert_eq!(err.code(), "missing-file");
    }
}
