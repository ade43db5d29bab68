//! CSRF tokens: one random token per session, put in every form and compared on every POST
//! (SameSite cookies alone do not cover older browsers). The sign-in form, which has no
//! session yet, uses a token in a short-lived cookie matched against the form's copy.

use rand::Rng;

pub fn new_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    hex::encode(bytes)
}

/// Compares without stopping at the first difference, so timing tells nothing.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && !a.is_empty()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}
