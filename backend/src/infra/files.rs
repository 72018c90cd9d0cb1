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

impl FileError {
    /// The storage is full (or over quota): nothing was stored; try again later.
    pub fn is_unavailable(&self) -> bool {
        match self {
            FileError::Io(e) => crate::error::storage_full(e),
        }
    }
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
    /// The local folder an upload streams into before it is judged and stored (so a 10 MB
    /// file is never held in memory).
    fn incoming(&self) -> PathBuf;
    /// Stores a received upload under `id` (complete or not at all). The default reads it
    /// back and [`FileStore::put`]s it; a local store moves it into place.
    async fn put_received(&self, id: &str, file: &Received) -> Result<(), FileError> {
        let bytes = tokio::fs::read(&file.path).await?;
        self.put(id, &bytes).await
    }
    /// Removes uploads left in [`FileStore::incoming`] by a crash, older than `min_age`
    /// seconds (younger ones may still be arriving); how many.
    async fn clear_incoming(&self, min_age: u64) -> Result<usize, FileError> {
        let mut removed = 0;
        let mut entries = match tokio::fs::read_dir(self.incoming()).await {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(e.into()),
        };
        while let Some(entry) = entries.next_entry().await? {
            if age_of(&entry).await? >= min_age {
                tokio::fs::remove_file(entry.path()).await?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

async fn age_of(entry: &tokio::fs::DirEntry) -> std::io::Result<u64> {
    Ok(entry
        .metadata()
        .await?
        .modified()
        .ok()
        .and_then(|m| m.elapsed().ok())
        .map_or(0, |d| d.as_secs()))
}

/// How many bytes of the start of an upload are kept for judging its type.
const HEAD_BYTES: usize = 16;

/// An upload as it arrived: streamed into a temporary file of [`FileStore::incoming`] (at most
/// `limit` bytes are written; what came beyond only counts), with its first bytes kept for
/// sniffing. The temporary file goes when this is dropped (or moves into the store).
#[derive(Debug)]
pub struct Received {
    /// The name the browser sent (not cleaned).
    pub name: String,
    /// Every byte that arrived, kept or not.
    pub size: u64,
    pub head: Vec<u8>,
    /// More arrived than the limit.
    pub too_large: bool,
    path: PathBuf,
}

impl Drop for Received {
    fn drop(&mut self) {
        // Gone already when the store moved it into place.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// An upload being received, chunk by chunk.
pub struct Receiving {
    file: tokio::fs::File,
    limit: u64,
    received: Received,
}

impl Receiving {
    /// Starts receiving a file the browser called `name` into `dir`, keeping at most `limit`
    /// bytes.
    pub async fn start(dir: &Path, name: &str, limit: u64) -> Result<Receiving, FileError> {
        tokio::fs::create_dir_all(dir).await?;
        let path = dir.join(format!("{}.part", new_id()));
        let file = tokio::fs::File::create(&path).await?;
        Ok(Receiving {
            file,
            limit,
            received: Received {
                name: name.to_string(),
                size: 0,
                head: Vec::new(),
                too_large: false,
                path,
            },
        })
    }

    /// Takes the next chunk: written while within the limit, only counted after it.
    pub async fn push(&mut self, chunk: &[u8]) -> Result<(), FileError> {
        use tokio::io::AsyncWriteExt;
        let r = &mut self.received;
        if r.head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - r.head.len()).min(chunk.len());
            r.head.extend_from_slice(&chunk[..take]);
        }
        r.size += chunk.len() as u64;
        if r.size > self.limit {
            if !r.too_large {
                r.too_large = true;
                // Nothing of a refused file is kept.
                self.file.set_len(0).await?;
            }
            return Ok(());
        }
        self.file.write_all(chunk).await?;
        Ok(())
    }

    /// The whole upload, flushed to its temporary file.
    pub async fn finish(mut self) -> Result<Received, FileError> {
        use tokio::io::AsyncWriteExt;
        self.file.flush().await?;
        Ok(self.received)
    }
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

/// The folder of a local store's incoming uploads (the same file system, so storing one is
/// a rename).
const INCOMING: &str = ".incoming";

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

    fn incoming(&self) -> PathBuf {
        self.dir.join(INCOMING)
    }

    async fn put_received(&self, id: &str, file: &Received) -> Result<(), FileError> {
        let path = self.path(id).ok_or_else(bad_id)?;
        tokio::fs::create_dir_all(&self.dir).await?;
        tokio::fs::File::open(&file.path).await?.sync_all().await?;
        tokio::fs::rename(&file.path, &path).await?;
        Ok(())
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
            out.push((name, age_of(&entry).await?));
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

    #[tokio::test]
    async fn uploads_stream_to_disk_and_keep_nothing_past_the_limit() {
        let tmp = tempfile::tempdir().unwrap();
        let store = LocalFiles::new(&tmp.path().join("files"));
        let mut r = Receiving::start(&store.incoming(), "scan.pdf", 10)
            .await
            .unwrap();
        r.push(b"%PDF-").await.unwrap();
        r.push(b"1.7").await.unwrap();
        let ok = r.finish().await.unwrap();
        assert_eq!(
            (ok.size, ok.too_large, ok.head.as_slice()),
            (8, false, &b"%PDF-1.7"[..])
        );
        let id = new_id();
        store.put_received(&id, &ok).await.unwrap();
        assert_eq!(store.get(&id).await.unwrap().unwrap(), b"%PDF-1.7");
        drop(ok);
        assert_eq!(
            store.get(&id).await.unwrap().unwrap(),
            b"%PDF-1.7",
            "moved, not copied"
        );

        let mut r = Receiving::start(&store.incoming(), "big.pdf", 10)
            .await
            .unwrap();
        r.push(b"%PDF-1.7").await.unwrap();
        r.push(b"0123456789").await.unwrap();
        let big = r.finish().await.unwrap();
        assert!(big.too_large);
        assert_eq!(big.size, 18);
        assert_eq!(
            std::fs::metadata(&big.path).unwrap().len(),
            0,
            "nothing kept"
        );
        drop(big);
        assert_eq!(
            std::fs::read_dir(store.incoming()).unwrap().count(),
            0,
            "a dropped upload leaves nothing behind"
        );
        assert_eq!(store.clear_incoming(0).await.unwrap(), 0);
    }
}
