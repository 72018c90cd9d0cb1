//! Where uploaded files' bytes are kept: behind [`FileStore`], so object storage can replace
//! the local folder. Files are named by a random id (never by what the customer called them),
//! outside the web root, and written to a temporary name first so a half-written file is never
//! found under its id.

use async_trait::async_trait;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("file store: {0}")]
    Io(#[from] std::io::Error),
}

#[async_trait]
pub trait FileStore: Send + Sync {
    /// Stores `bytes` under `id` (complete or not at all).
    async fn put(&self, id: &str, bytes: &[u8]) -> Result<(), FileError>;
    /// The bytes stored under `id`, None if there are none.
    async fn get(&self, id: &str) -> Result<Option<Vec<u8>>, FileError>;
    async fn delete(&self, id: &str) -> Result<(), FileError>;
    /// Every stored id with its age in seconds (for the orphan sweep).
    async fn list(&self) -> Result<Vec<(String, u64)>, FileError>;
}

/// The portal's file store, shared by handlers and jobs.
#[derive(Clone)]
pub struct Files(pub std::sync::Arc<dyn FileStore>);

impl Files {
    /// Files kept in `<data dir>/files`.
    pub fn local(data_dir: &Path) -> Files {
        Files(std::sync::Arc::new(LocalFiles::new(
            &data_dir.join("files"),
        )))
    }
}

/// A fresh random file id (128 bits, hex).
pub fn new_id() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

fn well_formed(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Files in a folder under the data directory.
pub struct LocalFiles {
    dir: PathBuf,
}

impl LocalFiles {
    pub fn new(dir: &Path) -> LocalFiles {
        LocalFiles {
            dir: dir.to_path_buf(),
        }
    }

    fn path(&self, id: &str) -> Option<PathBuf> {
        well_formed(id).then(|| self.dir.join(id))
    }
}

fn bad_id() -> FileError {
    FileError::Io(std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        "malformed file id",
    ))
}

#[async_trait]
impl FileStore for LocalFiles {
    async fn put(&self, id: &str, bytes: &[u8]) -> Result<(), FileError> {
        let path = self.path(id).ok_or_else(bad_id)?;
        tokio::fs::create_dir_all(&self.dir).await?;
        let tmp = self.dir.join(format!(".{id}.part"));
        let written = async {
            tokio::fs::write(&tmp, bytes).await?;
            tokio::fs::File::open(&tmp).await?.sync_all().await?;
            tokio::fs::rename(&tmp, &path).await
        }
        .await;
        if written.is_err() {
            let _ = tokio::fs::remove_file(&tmp).await;
        }
        Ok(written?)
    }

    async fn get(&self, id: &str) -> Result<Option<Vec<u8>>, FileError> {
        let Some(path) = self.path(id) else {
            return Ok(None);
        };
        match tokio::fs::read(path).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn delete(&self, id: &str) -> Result<(), FileError> {
        let path = self.path(id).ok_or_else(bad_id)?;
        match tokio::fs::remove_file(path).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }

    async fn list(&self) -> Result<Vec<(String, u64)>, FileError> {
        let mut out = Vec::new();
        let mut entries = match tokio::fs::read_dir(&self.dir).await {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(e.into()),
        };
        while let Some(entry) = entries.next_entry().await? {
            let name = entry.file_name().to_string_lossy().to_string();
            if !well_formed(&name) {
                continue;
            }
            let age = entry
                .metadata()
                .await?
                .modified()
                .ok()
                .and_then(|m| m.elapsed().ok())
                .map_or(0, |d| d.as_secs());
            out.push((name, age));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn files_are_kept_under_their_id_only() {
        let tmp = tempfile::tempdir().unwrap();
        let store = LocalFiles::new(&tmp.path().join("files"));
        let id = new_id();
        store.put(&id, b"%PDF-1.7").await.unwrap();
        assert_eq!(store.get(&id).await.unwrap().unwrap(), b"%PDF-1.7");
        assert_eq!(store.list().await.unwrap().len(), 1);
        // Ids that are not ours never reach the file system.
        assert!(store.get("../../etc/passwd").await.unwrap().is_none());
        assert!(store.put("../x", b"x").await.is_err());
        store.delete(&id).await.unwrap();
        assert!(store.get(&id).await.unwrap().is_none());
        store.delete(&id).await.unwrap();
    }
}
