//! A JSON file replaced atomically (temp file in the same dir, fsync, rename) and modified only
//! under an advisory lock on a sibling `.lock` file, re-read under that lock, so two processes
//! writing at once never lose each other's changes.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::auth::error::{AuthError, AuthResult};

/// Mode of every credential file.
#[cfg(unix)]
pub const FILE_MODE: u32 = 0o600;
/// Mode of the data dir holding them.
#[cfg(unix)]
pub const DIR_MODE: u32 = 0o700;

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// One version of a [`LockedJsonFile`]; see [`LockedJsonFile::stamp`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileStamp {
    Missing,
    Present {
        len: u64,
        modified: std::time::SystemTime,
        #[cfg(unix)]
        inode: u64,
    },
}

/// Longer than any file system's timestamp granule (a tick on Linux, up to 2 s on FAT): a version
/// older than this cannot share its modification time with a later one.
const SETTLED_AFTER: std::time::Duration = std::time::Duration::from_secs(2);

impl FileStamp {
    /// Whether no later version can have this stamp: the file is missing, or was written long
    /// enough ago that a later version has a later modification time. (A later version may reuse
    /// the inode freed by an earlier one, and have the same length.)
    pub fn is_settled(&self) -> bool {
        match self {
            FileStamp::Missing => true,
            FileStamp::Present { modified, .. } => {
                modified.elapsed().is_ok_and(|age| age >= SETTLED_AFTER)
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct LockedJsonFile {
    path: PathBuf,
    lock_path: PathBuf,
}

impl LockedJsonFile {
    /// Names `dir/file_name`, creating `dir` (mode 0700) if needed.
    pub fn open(dir: &Path, file_name: &str) -> AuthResult<Self> {
        ensure_private_dir(dir)?;
        Ok(Self {
            path: dir.join(file_name),
            lock_path: dir.join(format!("{file_name}.lock")),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Which version of the file is there now, from one metadata read (no content read, no lock):
    /// the file is only ever replaced whole, by rename, so each version is a new file with its
    /// own inode and modification time. `None` when the metadata cannot be read.
    pub fn stamp(&self) -> Option<FileStamp> {
        match fs::metadata(&self.path) {
            Ok(metadata) => Some(FileStamp::Present {
                len: metadata.len(),
                modified: metadata.modified().ok()?,
                #[cfg(unix)]
                inode: std::os::unix::fs::MetadataExt::ino(&metadata),
            }),
            Err(err) if err.kind() == ErrorKind::NotFound => Some(FileStamp::Missing),
            Err(_) => None,
        }
    }

    /// Reads the current content; a missing file reads as `T::default()`. Needs no lock:
    /// the file is only ever replaced whole by rename.
    pub fn read<T: DeserializeOwned + Default>(&self) -> AuthResult<T> {
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == ErrorKind::NotFound => return Ok(T::default()),
            Err(err) => return Err(AuthError::io(&self.path, &err)),
        };
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(T::default());
        }
        serde_json::from_slice(&bytes).map_err(|err| AuthError::Corrupt {
            path: self.path.clone(),
            // serde_json's message names a line/column and an expectation, never the content.
            message: err.to_string(),
        })
    }

    /// Locks, re-reads, lets `change` modify the value, and writes it back atomically.
    /// When `change` fails nothing is written.
    pub fn update<T, R>(&self, change: impl FnOnce(&mut T) -> AuthResult<R>) -> AuthResult<R>
    where
        T: DeserializeOwned + Serialize + Default,
    {
        let _lock = self.lock()?;
        self.remove_stale_temps();
        let mut value: T = self.read()?;
        let result = change(&mut value)?;
        self.write_atomically(&value)?;
        Ok(result)
    }

    /// Temp files are only created under the lock, so any found while holding it were left
    /// by a writer that died mid-write.
    fn remove_stale_temps(&self) {
        let (Some(dir), Some(name)) = (self.path.parent(), self.path.file_name()) else {
            return;
        };
        let prefix = format!(".{}.", name.to_string_lossy());
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let file_name = entry.file_name();
            let file_name = file_name.to_string_lossy();
            if file_name.starts_with(&prefix) && file_name.ends_with(".tmp") {
                let _ = fs::remove_file(entry.path());
            }
        }
    }

    fn lock(&self) -> AuthResult<File> {
        let mut options = OpenOptions::new();
        options.create(true).truncate(false).write(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
        let file = options
            .open(&self.lock_path)
            .map_err(|err| AuthError::io(&self.lock_path, &err))?;
        file.lock()
            .map_err(|err| AuthError::io(&self.lock_path, &err))?;
        Ok(file)
    }

    fn write_atomically<T: Serialize>(&self, value: &T) -> AuthResult<()> {
        let mut bytes = serde_json::to_vec(value).map_err(|err| AuthError::Io {
            path: self.path.clone(),
            message: format!("cannot serialize: {err}"),
        })?;
        bytes.push(b'\n');
        let dir = self.path.parent().unwrap_or_else(|| Path::new("."));
        let file_name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = dir.join(format!(
            ".{file_name}.{}.{}.tmp",
            std::process::id(),
            TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let result = write_new_file(&temp, &bytes)
            .and_then(|()| fs::rename(&temp, &self.path))
            .map_err(|err| AuthError::io(&self.path, &err));
        if result.is_err() {
            let _ = fs::remove_file(&temp);
        }
        result?;
        sync_dir(dir);
        Ok(())
    }
}

fn write_new_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Makes the rename durable; best effort (not every platform can fsync a directory).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(handle) = File::open(dir) {
        let _ = handle.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Creates `dir` if needed and restricts it to its owner.
pub fn ensure_private_dir(dir: &Path) -> AuthResult<()> {
    fs::create_dir_all(dir).map_err(|err| AuthError::io(dir, &err))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(DIR_MODE))
            .map_err(|err| AuthError::io(dir, &err))?;
    }
    Ok(())
}
