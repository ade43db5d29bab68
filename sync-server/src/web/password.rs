//! Passwords for supervisors and administrators: argon2id hashes only. People choose
//! passwords, so unlike tokens they get a slow, salted hash.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::Rng;

use crate::reports::sql::{SqlValue, Stmt};
use crate::storage::{Storage, StorageError};

pub const MIN_LENGTH: usize = 10;

pub fn hash(password: &str) -> Option<String> {
    let salt_bytes: [u8; 16] = rand::rng().random();
    let salt = SaltString::encode_b64(&salt_bytes).ok()?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .ok()
        .map(|h| h.to_string())
}

pub fn verify(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Checked against when the user is unknown, so a wrong name costs the same time as a
/// wrong password and names cannot be probed by timing.
pub fn decoy() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("decoy password").unwrap_or_default())
}

pub async fn set(
    storage: &dyn Storage,
    user_id: &str,
    password: &str,
    now: &str,
) -> Result<(), StorageError> {
    let hash = hash(password)
        .ok_or_else(|| StorageError::Database("the password could not be hashed".into()))?;
    storage
        .report_write(&[Stmt::new(
            "INSERT INTO user_passwords (user_id, hash, set_at) VALUES ($1, $2, $3)
             ON CONFLICT (user_id) DO UPDATE SET hash = excluded.hash, set_at = excluded.set_at",
            vec![user_id.into(), hash.into(), now.into()],
        )])
        .await
}

pub async fn stored(storage: &dyn Storage, user_id: &str) -> Result<Option<String>, StorageError> {
    let rows = storage
        .report_query(&Stmt::new(
            "SELECT hash FROM user_passwords WHERE user_id = $1",
            vec![SqlValue::from(user_id)],
        ))
        .await?;
    Ok(rows
        .first()
        .and_then(|r| r.first())
        .and_then(|v| v.opt_text().map(String::from)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashes_verify_and_differ_by_salt() {
        let a = super::hash("secret password").unwrap_or_default();
        let b = super::hash("secret password").unwrap_or_default();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b);
        assert!(super::verify("secret password", &a));
        assert!(!super::verify("other password", &a));
        assert!(!super::verify("decoy password", "not a hash"));
        assert!(super::verify("decoy password", super::decoy()));
    }
}
