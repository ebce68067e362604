//! Splitting one fuzz input into the several values a target needs. A `0x00` byte separates
//! fields: libFuzzer's mutations insert and remove it easily, and the seeds stay readable.

/// The first `n` fields of `data` (missing ones empty); the last takes the rest, separators
/// and all.
#[must_use]
pub fn fields(data: &[u8], n: usize) -> Vec<&[u8]> {
    let mut out: Vec<&[u8]> = data.splitn(n.max(1), |&b| b == 0).collect();
    out.resize(n.max(1), &[]);
    out
}

/// `bytes` as text, invalid UTF-8 replaced (the parsers under test take `&str`).
#[must_use]
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_pad_and_keep_the_rest_whole() {
        assert_eq!(fields(b"a\0b\0c\0d", 3), vec![&b"a"[..], b"b", b"c\0d"]);
        assert_eq!(fields(b"a", 3), vec![&b"a"[..], b"", b""]);
    }
}
