//! `-v`: diagnostics on stderr, every line scrubbed by `invoice_desk_logging::redact` on its
//! way out, as the app's log files are.

use std::io::{self, Write};

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// `-v` → debug for Invoice Desk's crates, `-vv` → trace for everything; `RUST_LOG` wins when
/// set. Without `-v` nothing is set up: the commands print their own warnings.
pub fn init(verbose: u8) {
    if verbose == 0 {
        return;
    }
    let default = if verbose == 1 {
        "warn,invoice_desk=debug"
    } else {
        "trace"
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(RedactedStderr)
        .with_ansi(false)
        .with_target(true)
        .try_init();
}

/// Makes one scrubbing writer per event.
struct RedactedStderr;

impl<'a> MakeWriter<'a> for RedactedStderr {
    type Writer = EventBuffer;

    fn make_writer(&'a self) -> Self::Writer {
        EventBuffer(Vec::new())
    }
}

/// Collects one event and writes it scrubbed when dropped, so a secret is never split across
/// two writes.
struct EventBuffer(Vec<u8>);

impl Write for EventBuffer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for EventBuffer {
    fn drop(&mut self) {
        if self.0.is_empty() {
            return;
        }
        let text = String::from_utf8_lossy(&self.0);
        let _ = io::stderr()
            .lock()
            .write_all(invoice_desk_logging::redact(&text).as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::EventBuffer;

    #[test]
    fn buffers_until_dropped() {
        let mut buffer = EventBuffer(Vec::new());
        buffer.write_all(b"refresh_token=abc").unwrap();
        assert_eq!(buffer.0.len(), 17);
        buffer.0.clear();
    }
}
