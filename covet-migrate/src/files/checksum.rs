//! SHA-256 checksums, written as lowercase hex.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

/// The SHA-256 of a file's exact bytes.
///
/// [`Migration::checksum`](crate::Migration::checksum) is the one of `up.sql`: what a runner
/// records for an applied migration and compares on every run. Written as 64 lowercase hex
/// digits.
///
/// # Examples
///
/// ```
/// use covet_migrate::Checksum;
///
/// let sum = Checksum::of(b"abc");
/// assert_eq!(sum.to_string(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
/// assert_eq!(sum.to_string().parse::<Checksum>(), Ok(sum));
/// assert!("abc".parse::<Checksum>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Checksum([u8; 32]);

impl Checksum {
    /// The checksum of `bytes`.
    ///
    /// # Examples
    ///
    /// ```
    /// use covet_migrate::Checksum;
    ///
    /// assert_ne!(Checksum::of(b"CREATE TABLE a"), Checksum::of(b"CREATE TABLE b"));
    /// ```
    pub fn of(bytes: impl AsRef<[u8]>) -> Self {
        Self(Sha256::digest(bytes.as_ref()).into())
    }

    /// The 32 bytes of the digest.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(covet_migrate::Checksum::of(b"").as_bytes()[0], 0xe3);
    /// ```
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

/// Text that is not 64 hex digits.
///
/// # Examples
///
/// ```
/// use covet_migrate::{Checksum, InvalidChecksum};
///
/// assert_eq!("xyz".parse::<Checksum>(), Err(InvalidChecksum));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidChecksum;

impl fmt::Display for InvalidChecksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a checksum is 64 lowercase hex digits")
    }
}

impl std::error::Error for InvalidChecksum {}

impl FromStr for Checksum {
    type Err = InvalidChecksum;

    fn from_str(text: &str) -> Result<Self, InvalidChecksum> {
        let digits = text.as_bytes();
        if digits.len() != 64 {
            return Err(InvalidChecksum);
        }
        let mut bytes = [0; 32];
        for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
            *byte = hex(pair[0])? << 4 | hex(pair[1])?;
        }
        Ok(Self(bytes))
    }
}

/// The value of a lowercase hex digit.
fn hex(digit: u8) -> Result<u8, InvalidChecksum> {
    match digit {
        b'0'..=b'9' => Ok(digit - b'0'),
        b'a'..=b'f' => Ok(digit - b'a' + 10),
        _ => Err(InvalidChecksum),
    }
}
