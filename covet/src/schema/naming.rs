//! Deterministic names for constraints and indexes.
//!
//! `#[model]` names indexes and foreign keys at compile time with the same rule (the macro crate
//! cannot depend on this one); the tests check that both agree.

/// PostgreSQL truncates identifiers at 63 bytes; MySQL allows 64. Staying within 63 makes a name
/// valid on all three backends.
///
/// # Examples
///
/// ```
/// use covet::schema::{MAX_IDENTIFIER_LEN, constraint_name};
///
/// let columns = ["billing_address_line_one", "billing_address_postcode"];
/// let name = constraint_name("customer_accounts", &columns, "idx");
/// assert_eq!(name.len(), MAX_IDENTIFIER_LEN); // shortened, with a hash of the full name
/// assert!(name.starts_with("customer_accounts_billing_address_line_one_"));
/// ```
pub const MAX_IDENTIFIER_LEN: usize = 63;

/// The name of a constraint or index: `<table>_<columns joined by _>_<suffix>`, shortened to
/// [`MAX_IDENTIFIER_LEN`] bytes by keeping the start and appending a hash of the whole name, so
/// two long names never collide by truncation.
///
/// # Examples
///
/// ```
/// use covet::schema::constraint_name;
///
/// assert_eq!(constraint_name("users", &["email"], "key"), "users_email_key");
/// let long = constraint_name(&"t".repeat(80), &["c"], "idx");
/// assert_eq!(long.len(), 63);
/// ```
pub fn constraint_name(table: &str, columns: &[&str], suffix: &str) -> String {
    let mut name = String::with_capacity(64);
    name.push_str(table);
    for column in columns {
        name.push('_');
        name.push_str(column);
    }
    name.push('_');
    name.push_str(suffix);
    if name.len() <= MAX_IDENTIFIER_LEN {
        return name;
    }
    let hash = fnv1a(name.as_bytes());
    let mut keep = MAX_IDENTIFIER_LEN - 9;
    while !name.is_char_boundary(keep) {
        keep -= 1;
    }
    name.truncate(keep);
    name.push_str(&format!("_{hash:08x}"));
    name
}

/// 32-bit FNV-1a: tiny, stable across releases and platforms.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(*byte)).wrapping_mul(0x0100_0193)
    })
}
