//! Where a transfer's bytes go: a thread of its own per `.part` file that writes them, and one
//! beside it that hashes the same chunks, so the task reading the network only hands over the
//! chunks it received (no copy, no hashing, no file system call on the async runtime), and
//! hashing (as costly as writing) runs alongside the writes instead of between them. A large file is flushed to the disk in
//! the background while it streams (`fdatasync` on a second handle every
//! [`WRITEBACK_EVERY`] bytes, never more than one at a time), so the final fsync only has the
//! last part left instead of stalling for the whole file.
//!
//! Bytes are written in the order they were handed over; a failed write ends the thread and is
//! reported by the next call. Memory is bounded: at most [`QUEUE`] chunks wait for the thread.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use bytes::Bytes;
use sha2::{Digest, Sha256};
use tokio::sync::{mpsc, oneshot};

use crate::error::FilesError;

/// Chunks waiting for the thread (a chunk is what one socket read gave: up to a few hundred
/// KiB), so a slow disk holds back the network instead of growing memory.
const QUEUE: usize = 8;

/// Small chunks are gathered up to this size before one write system call; larger ones (a
/// socket read is usually a few hundred KiB) are written as they are, without a copy.
const WRITE_BUFFER: usize = 64 * 1024;

/// A background flush to the disk starts after this many unflushed bytes.
pub const WRITEBACK_EVERY: u64 = 16 * 1024 * 1024;

enum Cmd {
    Data(Bytes),
    /// Everything handed over so far is in the file (not necessarily on the disk).
    Flush(oneshot::Sender<()>),
    /// Everything on the disk; the hash and length of the whole file.
    Finish(oneshot::Sender<([u8; 32], u64)>),
}

/// The writing end of one `.part` file.
#[derive(Debug)]
pub(crate) struct PartSink {
    path: PathBuf,
    tx: Option<mpsc::Sender<Cmd>>,
    thread: Option<JoinHandle<()>>,
    failed: Arc<Mutex<Option<io::Error>>>,
    abort: Arc<AtomicBool>,
}

impl PartSink {
    /// Creates (or truncates) `path` and starts its thread.
    pub(crate) async fn create(path: &Path) -> Result<Self, FilesError> {
        let owned = path.to_owned();
        let file = tokio::task::spawn_blocking(move || {
            OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .open(&owned)
        })
        .await
        .map_err(|e| FilesError::Io {
            path: path.to_owned(),
            message: e.to_string(),
        })?
        .map_err(|e| FilesError::io(path, &e))?;
        let (tx, rx) = mpsc::channel(QUEUE);
        let failed = Arc::new(Mutex::new(None));
        let abort = Arc::new(AtomicBool::new(false));
        let thread = {
            let failed = failed.clone();
            let abort = abort.clone();
            std::thread::Builder::new()
                .name("part-writer".into())
                .spawn(move || {
                    if let Err(e) = write_loop(file, rx, &abort) {
                        *failed
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(e);
                    }
                })
                .map_err(|e| FilesError::io(path, &e))?
        };
        Ok(Self {
            path: path.to_owned(),
            tx: Some(tx),
            thread: Some(thread),
            failed,
            abort,
        })
    }

    /// The error that ended the thread, as the typed error of this file.
    fn failure(&mut self) -> FilesError {
        // The thread has ended (its receiver is gone): wait for it to have stored its error.
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        let error = self
            .failed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        match error {
            Some(e) => FilesError::io(&self.path, &e),
            None => FilesError::Io {
                path: self.path.clone(),
                message: "the part file is closed".into(),
            },
        }
    }

    async fn send(&mut self, cmd: Cmd) -> Result<(), FilesError> {
        let Some(tx) = self.tx.as_ref() else {
            return Err(self.failure());
        };
        if tx.send(cmd).await.is_err() {
            self.tx = None;
            return Err(self.failure());
        }
        Ok(())
    }

    /// Hands `chunk` to the thread (waits only while the queue is full).
    pub(crate) async fn write(&mut self, chunk: Bytes) -> Result<(), FilesError> {
        self.send(Cmd::Data(chunk)).await
    }

    /// Waits until every byte handed over is in the file.
    pub(crate) async fn flush(&mut self) -> Result<(), FilesError> {
        let (done, wait) = oneshot::channel();
        self.send(Cmd::Flush(done)).await?;
        wait.await.map_err(|_| self.failure())
    }

    /// Writes the rest, fsyncs, closes: the SHA-256 and length of the file.
    pub(crate) async fn finish(mut self) -> Result<([u8; 32], u64), FilesError> {
        let (done, wait) = oneshot::channel();
        self.send(Cmd::Finish(done)).await?;
        let result = wait.await.map_err(|_| self.failure())?;
        self.tx = None;
        if let Some(thread) = self.thread.take() {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
        Ok(result)
    }
}

impl Drop for PartSink {
    fn drop(&mut self) {
        // Unwritten chunks are dropped, not written: the file is being abandoned. Joining
        // closes the file before the owner removes it (Windows will not delete an open file).
        self.abort.store(true, Ordering::Relaxed);
        self.tx = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Flushes a file to the disk on a second handle, one request at a time, so the writing
/// thread never waits for the disk before the end.
struct Writeback {
    tx: std::sync::mpsc::SyncSender<()>,
    thread: JoinHandle<()>,
}

impl Writeback {
    fn start(file: &File) -> io::Result<Self> {
        let handle = file.try_clone()?;
        let (tx, rx) = std::sync::mpsc::sync_channel::<()>(1);
        let thread = std::thread::Builder::new()
            .name("part-writeback".into())
            .spawn(move || {
                while rx.recv().is_ok() {
                    // An error here is also reported by the final fsync (write-back errors
                    // are kept for every handle of the file).
                    let _ = handle.sync_data();
                }
            })?;
        Ok(Self { tx, thread })
    }

    /// Asks for a flush unless one is still running.
    fn kick(&self) {
        let _ = self.tx.try_send(());
    }

    fn stop(self) {
        drop(self.tx);
        let _ = self.thread.join();
    }
}

/// SHA-256 on a thread of its own: hashing costs about as much as writing, and the two run
/// side by side on the same chunks.
struct Hasher {
    tx: std::sync::mpsc::SyncSender<Bytes>,
    thread: JoinHandle<[u8; 32]>,
}

impl Hasher {
    fn start() -> io::Result<Self> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Bytes>(QUEUE);
        let thread = std::thread::Builder::new()
            .name("part-hasher".into())
            .spawn(move || {
                let mut hasher = Sha256::new();
                while let Ok(chunk) = rx.recv() {
                    hasher.update(&chunk);
                }
                hasher.finalize().into()
            })?;
        Ok(Self { tx, thread })
    }

    fn update(&self, chunk: Bytes) -> io::Result<()> {
        self.tx
            .send(chunk)
            .map_err(|_| io::Error::other("the hashing thread ended"))
    }

    fn finish(self) -> io::Result<[u8; 32]> {
        drop(self.tx);
        self.thread
            .join()
            .map_err(|_| io::Error::other("the hashing thread failed"))
    }
}

fn write_loop(file: File, mut rx: mpsc::Receiver<Cmd>, abort: &AtomicBool) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(WRITE_BUFFER, file);
    let mut hasher = Some(Hasher::start()?);
    let mut size = 0u64;
    let mut unflushed = 0u64;
    let mut writeback: Option<Writeback> = None;
    let result = (|| {
        while let Some(cmd) = rx.blocking_recv() {
            if abort.load(Ordering::Relaxed) {
                return Ok(());
            }
            match cmd {
                Cmd::Data(chunk) => {
                    if let Some(h) = &hasher {
                        h.update(chunk.clone())?;
                    }
                    out.write_all(&chunk)?;
                    size += chunk.len() as u64;
                    unflushed += chunk.len() as u64;
                    if unflushed >= WRITEBACK_EVERY {
                        out.flush()?;
                        unflushed = 0;
                        if writeback.is_none() {
                            writeback = Some(Writeback::start(out.get_ref())?);
                        }
                        if let Some(w) = &writeback {
                            w.kick();
                        }
                    }
                }
                Cmd::Flush(done) => {
                    out.flush()?;
                    let _ = done.send(());
                }
                Cmd::Finish(done) => {
                    out.flush()?;
                    if let Some(w) = writeback.take() {
                        w.stop();
                    }
                    out.get_ref().sync_all()?;
                    let digest = match hasher.take() {
                        Some(h) => h.finish()?,
                        None => return Err(io::Error::other("the file was hashed already")),
                    };
                    let _ = done.send((digest, size));
                    return Ok(());
                }
            }
        }
        Ok(())
    })();
    if let Some(w) = writeback.take() {
        w.stop();
    }
    if let Some(h) = hasher.take() {
        let _ = h.finish();
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn chunks_are_written_and_hashed_in_order_with_background_writeback() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.part");
        let mut sink = PartSink::create(&path).await.unwrap();
        let mut expected = Vec::new();
        // Small chunks that are gathered, large ones written as they are, and more than
        // WRITEBACK_EVERY in all so background flushes run while it streams.
        for i in 0..60u8 {
            let len = if i % 2 == 0 { 1000 } else { 700 * 1024 };
            let chunk = vec![i; len];
            expected.extend_from_slice(&chunk);
            sink.write(Bytes::from(chunk)).await.unwrap();
            if i == 20 {
                sink.flush().await.unwrap();
                assert_eq!(
                    std::fs::metadata(&path).unwrap().len(),
                    expected.len() as u64
                );
            }
        }
        assert!(expected.len() as u64 > WRITEBACK_EVERY);
        let (sha, size) = sink.finish().await.unwrap();
        assert_eq!(size, expected.len() as u64);
        assert_eq!(std::fs::read(&path).unwrap(), expected);
        assert_eq!(sha, <[u8; 32]>::from(Sha256::digest(&expected)));
    }

    #[tokio::test]
    async fn a_dropped_sink_closes_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.part");
        let mut sink = PartSink::create(&path).await.unwrap();
        sink.write(Bytes::from_static(b"%PDF-")).await.unwrap();
        drop(sink);
        std::fs::remove_file(&path).unwrap();
        assert!(!path.exists());
    }
}
