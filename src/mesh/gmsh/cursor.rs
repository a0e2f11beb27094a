//! A byte cursor over a Gmsh file: whitespace-separated ASCII tokens with line numbers, and little-endian
//! binary values with byte offsets.
//!
//! Every read either consumes input or fails, so loops driven by the cursor always end; and every count
//! read from the file goes through [`Cursor::check_count`] before anything is allocated from it.

use std::path::Path;
use std::str::FromStr;

use super::{GmshError, Location, Problem};

/// Longest excerpt of offending input (in characters) quoted in an error message.
const MAX_QUOTE: usize = 40;

/// Whitespace between ASCII tokens.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c)
}

/// A short, printable excerpt of `bytes` for an error message (lossy UTF-8, control characters escaped).
pub(super) fn quote(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == MAX_QUOTE {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

/// Position in the file plus the file itself; cheap to clone (for look-ahead).
#[derive(Clone)]
pub(super) struct Cursor<'a> {
    path: &'a Path,
    bytes: &'a [u8],
    pos: usize,
    /// 1-based line of `pos` (only meaningful while the file is read as text).
    line: usize,
    /// Report byte offsets instead of lines (binary files).
    binary: bool,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `bytes`; `path` is only used in error messages.
    pub(super) fn new(bytes: &'a [u8], path: &'a Path) -> Self {
        Cursor {
            path,
            bytes,
            pos: 0,
            line: 1,
            binary: false,
        }
    }

    /// From now on, report locations as byte offsets (the file is binary).
    pub(super) fn set_binary(&mut self) {
        self.binary = true;
    }

    /// The current location: a line for ASCII files, a byte offset for binary ones.
    pub(super) fn loc(&self) -> Location {
        if self.binary {
            Location::Offset(self.pos)
        } else {
            Location::Line(self.line)
        }
    }

    /// Bytes not yet read.
    pub(super) fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    /// True when all input has been read.
    pub(super) fn at_eof(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    /// An error at `at`.
    pub(super) fn error(&self, at: Location, problem: Problem) -> GmshError {
        GmshError::Invalid {
            path: self.path.to_path_buf(),
            at,
            problem,
        }
    }

    /// An error at the current location.
    pub(super) fn error_here(&self, problem: Problem) -> GmshError {
        self.error(self.loc(), problem)
    }

    /// Error unless `count` items of at least `item_bytes` bytes each fit in the rest of the input.
    ///
    /// This is what keeps corrupted counts from driving huge allocations.
    pub(super) fn check_count(
        &self,
        count: u64,
        at: Location,
        item_bytes: usize,
        what: &str,
    ) -> Result<usize, GmshError> {
        // One byte of slack: the last ASCII token of a file may lack its separator.
        let max = self.remaining() / item_bytes.max(1) + 1;
        match usize::try_from(count) {
            Ok(n) if n <= max => Ok(n),
            _ => Err(self.error(
                at,
                Problem::CountTooLarge {
                    what: what.to_string(),
                    count,
                    remaining: self.remaining(),
                },
            )),
        }
    }

    /// Skip whitespace, counting line breaks.
    pub(super) fn skip_space(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if !is_space(b) {
                break;
            }
            if b == b'\n' {
                self.line += 1;
            }
            self.pos += 1;
        }
    }

    /// Skip blanks up to and including the next line break (if the next non-blank byte is one).
    pub(super) fn skip_line_break(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\n' => {
                    self.pos += 1;
                    self.line += 1;
                    return;
                }
                _ => return,
            }
        }
    }

    /// The next whitespace-separated token and where it starts; `what` names it for the error at end of file.
    pub(super) fn token(&mut self, what: &str) -> Result<(&'a [u8], Location), GmshError> {
        self.skip_space();
        let at = self.loc();
        if self.at_eof() {
            return Err(self.error(
                at,
                Problem::Truncated {
                    expected: what.to_string(),
                },
            ));
        }
        let start = self.pos;
        while let Some(&b) = self.bytes.get(self.pos) {
            if is_space(b) {
                break;
            }
            self.pos += 1;
        }
        Ok((&self.bytes[start..self.pos], at))
    }

    /// The next token without consuming it (`None` at end of file).
    pub(super) fn peek_token(&self) -> Option<&'a [u8]> {
        let mut ahead = self.clone();
        ahead.token("").ok().map(|(tok, _)| tok)
    }

    /// The next token as UTF-8 text.
    pub(super) fn text(&mut self, what: &str) -> Result<(&'a str, Location), GmshError> {
        let (tok, at) = self.token(what)?;
        match std::str::from_utf8(tok) {
            Ok(s) => Ok((s, at)),
            Err(_) => Err(self.error(
                at,
                Problem::NotUtf8 {
                    what: what.to_string(),
                    found: quote(tok),
                },
            )),
        }
    }

    /// The next token parsed as `T` (an integer or a float); `what` describes the expected value.
    pub(super) fn parse<T: FromStr>(&mut self, what: &str) -> Result<(T, Location), GmshError> {
        let (text, at) = self.text(what)?;
        match text.parse() {
            Ok(v) => Ok((v, at)),
            Err(_) => Err(self.error(
                at,
                Problem::BadValue {
                    expected: what.to_string(),
                    found: quote(text.as_bytes()),
                },
            )),
        }
    }

    /// The next `n` raw bytes.
    pub(super) fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], GmshError> {
        if self.remaining() < n {
            return Err(self.error_here(Problem::Truncated {
                expected: what.to_string(),
            }));
        }
        let out = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    /// A little-endian 4-byte signed integer.
    pub(super) fn le_i32(&mut self, what: &str) -> Result<(i32, Location), GmshError> {
        let at = self.loc();
        let b = self.take(4, what)?;
        Ok((i32::from_le_bytes([b[0], b[1], b[2], b[3]]), at))
    }

    /// A little-endian unsigned integer of `width` bytes (4 or 8: Gmsh's `size_t`).
    pub(super) fn le_size(
        &mut self,
        width: usize,
        what: &str,
    ) -> Result<(u64, Location), GmshError> {
        let at = self.loc();
        let b = self.take(width, what)?;
        let mut buf = [0u8; 8];
        let n = width.min(8);
        buf[..n].copy_from_slice(&b[..n]);
        Ok((u64::from_le_bytes(buf), at))
    }

    /// A little-endian 8-byte float.
    pub(super) fn le_f64(&mut self, what: &str) -> Result<(f64, Location), GmshError> {
        let at = self.loc();
        let b = self.take(8, what)?;
        let mut buf = [0u8; 8];
        buf.copy_from_slice(b);
        Ok((f64::from_le_bytes(buf), at))
    }

    /// Consume one line break (`\n` or `\r\n`) if it comes next: the end of a section header line before
    /// binary data, which may itself start with blank bytes.
    pub(super) fn eat_newline(&mut self) {
        let rest = &self.bytes[self.pos..];
        if rest.starts_with(b"\r\n") {
            self.pos += 2;
            self.line += 1;
        } else if rest.starts_with(b"\n") {
            self.pos += 1;
            self.line += 1;
        }
    }

    /// Consume the byte `b` if it comes next.
    pub(super) fn eat(&mut self, b: u8) -> bool {
        if self.bytes.get(self.pos) == Some(&b) {
            self.pos += 1;
            if b == b'\n' {
                self.line += 1;
            }
            true
        } else {
            false
        }
    }

    /// Bytes up to (not including) the first of `stops` on the current line; stops before a line break.
    pub(super) fn until(&mut self, stop: u8) -> &'a [u8] {
        let start = self.pos;
        while let Some(&b) = self.bytes.get(self.pos) {
            if b == stop || b == b'\n' {
                break;
            }
            self.pos += 1;
        }
        &self.bytes[start..self.pos]
    }

    /// Expect `$End<section>` as the next token.
    pub(super) fn expect_end(&mut self, section: &str) -> Result<(), GmshError> {
        let want = format!("$End{section}");
        let (tok, at) = self.token(&format!("`{want}`"))?;
        if tok == want.as_bytes() {
            Ok(())
        } else {
            Err(self.error(
                at,
                Problem::MissingEnd {
                    section: section.to_string(),
                    found: quote(tok),
                },
            ))
        }
    }

    /// Skip the body of a section that is not read, up to and including its `$End<name>` line.
    ///
    /// `at` is where the section starts (for the error when its end is missing).
    pub(super) fn skip_section(&mut self, name: &[u8], at: Location) -> Result<(), GmshError> {
        let mut want = b"$End".to_vec();
        want.extend_from_slice(name);
        let mut i = self.pos;
        while i < self.bytes.len() {
            let line_start = i == 0 || self.bytes[i - 1] == b'\n';
            let rest = &self.bytes[i..];
            if line_start
                && rest.starts_with(&want)
                && rest.get(want.len()).map_or(true, |&b| is_space(b))
            {
                let end = i + want.len();
                self.line += self.bytes[self.pos..end]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count();
                self.pos = end;
                return Ok(());
            }
            // Jump to the next line start.
            match self.bytes[i..].iter().position(|&b| b == b'\n') {
                Some(k) => i += k + 1,
                None => break,
            }
        }
        Err(self.error(
            at,
            Problem::Unterminated {
                section: quote(name),
            },
        ))
    }
}
