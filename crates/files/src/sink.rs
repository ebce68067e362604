//! Where a transfer's bytes go. The task reading the network copies each chunk it receives
//! into one of a few aligned blocks of its file and lets go of the chunk at once, so the HTTP
//! client reuses its read buffer instead of asking the system for fresh, zeroed pages for
//! every read. Each full block goes both to a thread of its own per `.part` file that writes
//! it and to one that hashes it, so no file system call or hashing runs on the async runtime,
//! and hashing (as costly as writing on a fast link) runs alongside the writes. The two take
//! their blocks independently: a write that waits on the disk does not hold back the hashing
//! of the blocks behind it, nor a hasher that lost its core the writes.
//!
//! A file declared large ([`DIRECT_FROM`]) is written past the page cache where the system
//! allows it (`O_DIRECT` on Linux): the blocks go straight to the disk, which saves the copy
//! into the cache, keeps a large download from pushing the user's other files out of it, and
//! leaves the final fsync almost nothing to do. Where that is refused, or on other systems, the
//! file is written through the cache and flushed to the disk in the background while it
//! streams (`fdatasync` on a second handle every [`WRITEBACK_EVERY`] bytes, never more than one
//! at a time), so the final fsync only has the last part left.
//!
//! Bytes are written in the order they were handed over; a failed write ends the thread and is
//! reported by the next call. Memory is bounded: a file has at most [`BLOCKS`] blocks.

use std::fs::{File, OpenOptions};
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use tokio::sync::{mpsc, oneshot};

use crate::error::FilesError;

/// The size of one block: large enough that one direct write at a time keeps the disk busy,
/// small enough that a file's blocks stay a few MiB (2 MiB streamed a 200 MB document faster
/// than 1 or 4 MiB in `cargo xtask bench sync`).
const BLOCK: usize = 2 * 1024 * 1024;

/// Blocks of one file at most (one filling, one being written, one being hashed, one spare):
/// a slow disk holds back the network instead of growing memory. More do not help: on a
/// fast link the writes and the hashing are what limit, and twice as many blocks left the
/// network waiting for a free one just as long in `cargo xtask bench usage`.
const BLOCKS: usize = 4;

/// What a direct write must be aligned to (its memory, file offset and length): enough for
/// every common disk (logical blocks of 512 or 4096 bytes).
const ALIGN: usize = 4096;

/// Files declared at least this large are written past the page cache where possible.
pub const DIRECT_FROM: u64 = 8 * 1024 * 1024;

/// A background flush to the disk starts after this many unflushed bytes (cached writes).
pub const WRITEBACK_EVERY: u64 = 16 * 1024 * 1024;

/// One aligned block of a file and how much of it is filled. It goes back to its file's pool
/// when its last holder (network side, writer, hasher) lets go of it.
struct Block {
    memory: Vec<u8>,
    start: usize,
    len: usize,
    home: mpsc::UnboundedSender<Vec<u8>>,
}

impl Block {
    /// `memory` has room for ALIGN bytes more than a block, so an aligned start always leaves
    /// a whole block. It is filled by appending (it never grows past its room, so it never
    /// moves): nothing is zeroed first, and a small document touches only what it uses.
    fn new(mut memory: Vec<u8>, home: mpsc::UnboundedSender<Vec<u8>>) -> Self {
        memory.clear();
        if memory.capacity() < BLOCK + ALIGN {
            memory.reserve_exact(BLOCK + ALIGN);
        }
        let start = memory.as_ptr().align_offset(ALIGN).min(ALIGN);
        memory.resize(start, 0);
        Self {
            memory,
            start,
            len: 0,
            home,
        }
    }

    fn filled(&self) -> &[u8] {
        &self.memory[self.start..self.start + self.len]
    }

    /// The filled bytes and the padding [`Block::pad`] put after them: what a direct write of
    /// a partial block covers (the file is cut back afterwards). Unpadded, just the bytes
    /// (which a direct write refuses, so they go through the cache).
    fn padded(&self) -> &[u8] {
        let end = self.start + self.len.next_multiple_of(ALIGN);
        self.memory
            .get(self.start..end)
            .unwrap_or_else(|| self.filled())
    }

    /// Zeroes after the filled bytes up to a whole number of [`ALIGN`] units.
    fn pad(&mut self) {
        self.memory
            .resize(self.start + self.len.next_multiple_of(ALIGN), 0);
    }

    /// Copies as much of `bytes` as fits; returns how much that was.
    fn append(&mut self, bytes: &[u8]) -> usize {
        let n = (BLOCK - self.len).min(bytes.len());
        self.memory.truncate(self.start + self.len);
        self.memory.extend_from_slice(&bytes[..n]);
        self.len += n;
        n
    }

    fn is_full(&self) -> bool {
        self.len == BLOCK
    }
}

impl Drop for Block {
    fn drop(&mut self) {
        // The pool is gone when the file is: then the memory is simply freed.
        let _ = self.home.send(std::mem::take(&mut self.memory));
    }
}

impl std::fmt::Debug for Block {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Not the bytes: a block holds up to a few MiB of a document.
        f.debug_struct("Block")
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

/// The blocks of one file: made when needed, at most [`BLOCKS`], reused as they come back.
#[derive(Debug)]
struct Pool {
    free: mpsc::UnboundedReceiver<Vec<u8>>,
    home: mpsc::UnboundedSender<Vec<u8>>,
    made: usize,
}

impl Pool {
    fn new() -> Self {
        let (home, free) = mpsc::unbounded_channel();
        Self {
            free,
            home,
            made: 0,
        }
    }

    /// An empty block: a returned one, a new one while fewer than [`BLOCKS`] exist, or the
    /// next one to come back.
    async fn take(&mut self) -> Block {
        let memory = match self.free.try_recv() {
            Ok(memory) => memory,
            Err(_) if self.made < BLOCKS => {
                self.made += 1;
                Vec::with_capacity(BLOCK + ALIGN)
            }
            Err(_) => self
                .free
                .recv()
                .await
                .unwrap_or_else(|| Vec::with_capacity(BLOCK + ALIGN)),
        };
        Block::new(memory, self.home.clone())
    }
}

enum Cmd {
    /// A full block, at the next position.
    Block(Arc<Block>),
    /// The file is expected to be this large (nothing written yet).
    Expect(u64),
    /// Everything handed over so far is in the file (not necessarily on the disk): a copy of
    /// the block still filling, which comes again, fuller, later.
    Flush(Option<Block>, oneshot::Sender<()>),
    /// The last block; everything on the disk; the length of the whole file.
    Finish(Option<Arc<Block>>, oneshot::Sender<u64>),
}

/// The writing end of one `.part` file.
#[derive(Debug)]
pub(crate) struct PartSink {
    path: PathBuf,
    tx: Option<mpsc::Sender<Cmd>>,
    thread: Option<JoinHandle<()>>,
    failed: Arc<Mutex<Option<io::Error>>>,
    abort: Arc<AtomicBool>,
    hasher: Option<Hasher>,
    pool: Pool,
    filling: Option<Block>,
}

impl PartSink {
    /// Creates `path`, which must not exist yet (nothing planted there is followed or
    /// truncated), and starts its thread.
    pub(crate) async fn create(path: &Path) -> Result<Self, FilesError> {
        let owned = path.to_owned();
        let file = tokio::task::spawn_blocking(move || {
            OpenOptions::new().write(true).create_new(true).open(&owned)
        })
        .await
        .map_err(|e| FilesError::Io {
            path: path.to_owned(),
            message: e.to_string(),
        })?
        .map_err(|e| FilesError::io(path, &e))?;
        let (tx, rx) = mpsc::channel(BLOCKS + 2);
        let failed = Arc::new(Mutex::new(None));
        let abort = Arc::new(AtomicBool::new(false));
        let hasher = Hasher::start(abort.clone()).map_err(|e| FilesError::io(path, &e))?;
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
            hasher: Some(hasher),
            pool: Pool::new(),
            filling: None,
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

    /// Tells the thread how large the file will be, before anything is written: a large
    /// file is written past the page cache where the system allows it.
    pub(crate) async fn expect(&mut self, size: u64) -> Result<(), FilesError> {
        self.send(Cmd::Expect(size)).await
    }

    /// Copies `chunk` into the file's blocks and hands full ones to the thread (waits only
    /// while every block is busy). The chunk itself is let go of at once.
    pub(crate) async fn write(&mut self, chunk: bytes::Bytes) -> Result<(), FilesError> {
        let mut rest = &chunk[..];
        while !rest.is_empty() {
            let block = match &mut self.filling {
                Some(block) => block,
                empty => empty.insert(self.pool.take().await),
            };
            let n = block.append(rest);
            rest = &rest[n..];
            if block.is_full()
                && let Some(full) = self.filling.take()
            {
                let full = Arc::new(full);
                self.hash(full.clone()).await?;
                self.send(Cmd::Block(full)).await?;
            }
        }
        Ok(())
    }

    async fn hash(&mut self, block: Arc<Block>) -> Result<(), FilesError> {
        let sent = match &self.hasher {
            Some(hasher) => hasher.tx.send(block).await.is_ok(),
            None => false,
        };
        if sent {
            Ok(())
        } else {
            Err(FilesError::Io {
                path: self.path.clone(),
                message: "the hashing thread ended".into(),
            })
        }
    }

    /// Waits until every byte handed over is in the file. The block being filled stays here
    /// (it is written whole later); the thread writes a copy of what it holds so far.
    pub(crate) async fn flush(&mut self) -> Result<(), FilesError> {
        let tail = match &self.filling {
            Some(block) => {
                let mut copy = self.pool.take().await;
                copy.append(block.filled());
                copy.pad();
                Some(copy)
            }
            None => None,
        };
        let (done, wait) = oneshot::channel();
        self.send(Cmd::Flush(tail, done)).await?;
        wait.await.map_err(|_| self.failure())
    }

    /// Writes the rest, fsyncs, closes: the content hash (BLAKE3) and length of the file.
    pub(crate) async fn finish(mut self) -> Result<([u8; 32], u64), FilesError> {
        let (done, wait) = oneshot::channel();
        let tail = self.filling.take().map(|mut tail| {
            tail.pad();
            Arc::new(tail)
        });
        if let Some(tail) = &tail {
            self.hash(tail.clone()).await?;
        }
        self.send(Cmd::Finish(tail, done)).await?;
        let size = wait.await.map_err(|_| self.failure())?;
        self.tx = None;
        if let Some(thread) = self.thread.take() {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
        let hashed = match self.hasher.take() {
            Some(hasher) => tokio::task::spawn_blocking(move || hasher.finish())
                .await
                .ok()
                .flatten(),
            None => None,
        };
        let digest = hashed.ok_or_else(|| FilesError::Io {
            path: self.path.clone(),
            message: "the hashing thread failed".into(),
        })?;
        Ok((digest, size))
    }
}

impl Drop for PartSink {
    fn drop(&mut self) {
        // Unwritten blocks are dropped, not written: the file is being abandoned. Joining
        // closes the file before the owner removes it (Windows will not delete an open file).
        self.abort.store(true, Ordering::Relaxed);
        self.tx = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        if let Some(hasher) = self.hasher.take() {
            hasher.finish();
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

/// The content hash (BLAKE3) on a thread of its own, side by side with the writes on the same
/// blocks. BLAKE3 rather than SHA-256: on a fast link SHA-256 took a core of its own (0.7 CPU s
/// per GiB against BLAKE3's 0.15 in `cargo bench -p invoice-desk-usage --bench usage`), which
/// on a two-core machine held the download below curl's pace. Once the file is abandoned the blocks still queued are
/// let go of unhashed.
#[derive(Debug)]
struct Hasher {
    tx: mpsc::Sender<Arc<Block>>,
    thread: JoinHandle<Option<[u8; 32]>>,
}

impl Hasher {
    fn start(abort: Arc<AtomicBool>) -> io::Result<Self> {
        let (tx, mut rx) = mpsc::channel::<Arc<Block>>(BLOCKS);
        let thread = std::thread::Builder::new()
            .name("part-hasher".into())
            .spawn(move || {
                let mut hasher = blake3::Hasher::new();
                while let Some(block) = rx.blocking_recv() {
                    if abort.load(Ordering::Relaxed) {
                        return None;
                    }
                    hasher.update(block.filled());
                }
                Some(*hasher.finalize().as_bytes())
            })?;
        Ok(Self { tx, thread })
    }

    /// The hash of every block handed over; `None` when the file was abandoned or the thread
    /// failed.
    fn finish(self) -> Option<[u8; 32]> {
        drop(self.tx);
        self.thread.join().ok().flatten()
    }
}

/// Switches writing past the page cache on or off; false when the system has no such mode
/// or refuses it for this file.
#[cfg(target_os = "linux")]
fn set_direct(file: &File, on: bool) -> bool {
    use rustix::fs::{OFlags, fcntl_getfl, fcntl_setfl};
    let Ok(flags) = fcntl_getfl(file) else {
        return false;
    };
    let flags = if on {
        flags | OFlags::DIRECT
    } else {
        flags - OFlags::DIRECT
    };
    fcntl_setfl(file, flags).is_ok()
}

#[cfg(not(target_os = "linux"))]
fn set_direct(_file: &File, _on: bool) -> bool {
    false
}

/// The file as the thread writes it: blocks at their positions, directly or through the
/// page cache.
struct Disk {
    file: File,
    /// Where the next block starts: everything before it is written (a multiple of
    /// [`BLOCK`]).
    next: u64,
    /// Where the file's cursor is.
    cursor: u64,
    direct: bool,
    unflushed: u64,
    writeback: Option<Writeback>,
}

impl Disk {
    fn new(file: File) -> Self {
        Self {
            file,
            next: 0,
            cursor: 0,
            direct: false,
            unflushed: 0,
            writeback: None,
        }
    }

    fn expect(&mut self, size: u64) {
        if size >= DIRECT_FROM && self.next == 0 && self.cursor == 0 {
            self.direct = set_direct(&self.file, true);
        }
    }

    /// Writes `block` at the next position; a full block moves the position on. A partial
    /// one (a flush, the end) leaves the file exactly as long as the bytes handed over.
    fn write(&mut self, block: &Block) -> io::Result<()> {
        if self.direct {
            match self.write_at(self.next, block.padded()) {
                Ok(()) => {}
                // The file system takes no direct writes after all: through the cache.
                Err(e) if e.kind() == io::ErrorKind::InvalidInput => {
                    set_direct(&self.file, false);
                    self.direct = false;
                    return self.write(block);
                }
                Err(e) => return Err(e),
            }
            if !block.is_full() {
                self.file.set_len(self.next + block.len as u64)?;
            }
        } else {
            self.write_at(self.next, block.filled())?;
            self.unflushed += block.len as u64;
            if self.unflushed >= WRITEBACK_EVERY {
                self.unflushed = 0;
                if self.writeback.is_none() {
                    self.writeback = Some(Writeback::start(&self.file)?);
                }
                if let Some(w) = &self.writeback {
                    w.kick();
                }
            }
        }
        if block.is_full() {
            self.next += BLOCK as u64;
        }
        Ok(())
    }

    fn write_at(&mut self, at: u64, bytes: &[u8]) -> io::Result<()> {
        if self.cursor != at {
            self.file.seek(SeekFrom::Start(at))?;
            self.cursor = at;
        }
        // A failed write leaves the cursor unknown.
        self.cursor = u64::MAX;
        self.file.write_all(bytes)?;
        self.cursor = at + bytes.len() as u64;
        Ok(())
    }

    /// Everything on the disk.
    fn sync(&mut self) -> io::Result<()> {
        if let Some(w) = self.writeback.take() {
            w.stop();
        }
        self.file.sync_all()
    }
}

impl Drop for Disk {
    fn drop(&mut self) {
        if let Some(w) = self.writeback.take() {
            w.stop();
        }
    }
}

fn write_loop(file: File, mut rx: mpsc::Receiver<Cmd>, abort: &AtomicBool) -> io::Result<()> {
    let mut disk = Disk::new(file);
    while let Some(cmd) = rx.blocking_recv() {
        if abort.load(Ordering::Relaxed) {
            return Ok(());
        }
        match cmd {
            Cmd::Expect(size) => disk.expect(size),
            Cmd::Block(block) => disk.write(&block)?,
            Cmd::Flush(tail, done) => {
                if let Some(tail) = tail {
                    disk.write(&tail)?;
                }
                let _ = done.send(());
            }
            Cmd::Finish(tail, done) => {
                let size = disk.next + tail.as_ref().map_or(0, |t| t.len as u64);
                if let Some(tail) = tail {
                    disk.write(&tail)?;
                }
                disk.sync()?;
                let _ = done.send(size);
                return Ok(());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    /// Chunks of uneven sizes (smaller and larger than a block), a flush in the middle (as
    /// after a dropped connection), more than [`WRITEBACK_EVERY`] in all.
    async fn stream_through(sink: &mut PartSink, path: &Path) -> Vec<u8> {
        let mut expected = Vec::new();
        for i in 0..60u8 {
            let len = if i % 2 == 0 { 1000 } else { 700 * 1024 + 3 };
            let chunk = vec![i; len];
            expected.extend_from_slice(&chunk);
            sink.write(Bytes::from(chunk)).await.unwrap();
            if i == 20 || i == 41 {
                sink.flush().await.unwrap();
                assert_eq!(
                    std::fs::metadata(path).unwrap().len(),
                    expected.len() as u64,
                    "after a flush the file holds every byte handed over"
                );
            }
        }
        assert!(expected.len() as u64 > WRITEBACK_EVERY);
        expected
    }

    #[tokio::test]
    async fn a_part_name_already_taken_is_never_opened_and_a_planted_link_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.pdf");
        std::fs::write(&victim, b"someone else's file").unwrap();
        let taken = dir.path().join("taken.part");
        std::fs::write(&taken, b"another save's bytes").unwrap();
        assert!(PartSink::create(&taken).await.is_err());
        assert_eq!(std::fs::read(&taken).unwrap(), b"another save's bytes");
        #[cfg(unix)]
        {
            let link = dir.path().join("link.part");
            std::os::unix::fs::symlink(&victim, &link).unwrap();
            assert!(PartSink::create(&link).await.is_err());
            assert_eq!(std::fs::read(&victim).unwrap(), b"someone else's file");
        }
        // Two saves of one document get parts of their own.
        let full = dir.path().join("G1.pdf");
        assert_ne!(
            crate::parts::unique_part(&full, ""),
            crate::parts::unique_part(&full, "")
        );
    }

    #[tokio::test]
    async fn chunks_are_written_and_hashed_in_order_through_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.part");
        let mut sink = PartSink::create(&path).await.unwrap();
        sink.expect(DIRECT_FROM - 1).await.unwrap();
        let expected = stream_through(&mut sink, &path).await;
        let (sha, size) = sink.finish().await.unwrap();
        assert_eq!(size, expected.len() as u64);
        assert_eq!(std::fs::read(&path).unwrap(), expected);
        assert_eq!(sha, *blake3::hash(&expected).as_bytes());
    }

    #[tokio::test]
    async fn a_large_file_is_written_whole_past_the_cache_even_after_flushes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.part");
        let mut sink = PartSink::create(&path).await.unwrap();
        sink.expect(DIRECT_FROM).await.unwrap();
        let expected = stream_through(&mut sink, &path).await;
        // An odd length: the last block is written padded and the file cut back.
        assert_ne!(expected.len() % ALIGN, 0);
        let (sha, size) = sink.finish().await.unwrap();
        assert_eq!(size, expected.len() as u64);
        assert_eq!(std::fs::read(&path).unwrap(), expected);
        assert_eq!(sha, *blake3::hash(&expected).as_bytes());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn direct_writes_are_switched_on_where_the_file_system_takes_them() {
        let dir = tempfile::tempdir().unwrap();
        let file = File::create(dir.path().join("probe")).unwrap();
        let mut disk = Disk::new(file);
        disk.expect(DIRECT_FROM);
        let flags = rustix::fs::fcntl_getfl(&disk.file).unwrap();
        assert_eq!(disk.direct, flags.contains(rustix::fs::OFlags::DIRECT));
        // A file already written to keeps its mode; a small one never goes direct.
        let mut small = Disk::new(File::create(dir.path().join("small")).unwrap());
        small.expect(DIRECT_FROM - 1);
        assert!(!small.direct);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_direct_write_the_system_refuses_is_written_through_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("refused");
        let mut disk = Disk::new(File::create(&path).unwrap());
        disk.expect(DIRECT_FROM);
        // Memory off the alignment a direct write needs: the system answers EINVAL.
        let (home, _free) = mpsc::unbounded_channel();
        let mut block = Block::new(Vec::new(), home);
        block.memory.push(0);
        block.start += 1;
        let bytes: Vec<u8> = (0..10_000u32).map(|i| (i % 253) as u8).collect();
        block.append(&bytes);
        disk.write(&block).unwrap();
        assert!(!disk.direct, "switched to cached writes");
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
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

    #[tokio::test]
    async fn a_sink_dropped_with_blocks_in_flight_closes_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.part");
        let mut sink = PartSink::create(&path).await.unwrap();
        sink.expect(DIRECT_FROM).await.unwrap();
        for _ in 0..3 * BLOCKS {
            sink.write(Bytes::from(vec![3u8; BLOCK])).await.unwrap();
        }
        drop(sink);
        std::fs::remove_file(&path).unwrap();
        assert!(!path.exists());
    }

    #[tokio::test]
    async fn memory_stays_within_the_files_blocks() {
        let dir = tempfile::tempdir().unwrap();
        let mut sink = PartSink::create(&dir.path().join("c.part")).await.unwrap();
        for _ in 0..40 {
            sink.write(Bytes::from(vec![7u8; 512 * 1024]))
                .await
                .unwrap();
        }
        assert!(sink.pool.made <= BLOCKS);
        let (_, size) = sink.finish().await.unwrap();
        assert_eq!(size, 40 * 512 * 1024);
    }
}
