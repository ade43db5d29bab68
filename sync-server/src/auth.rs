//! Who is asking, and what they may reach. Tokens and enrolment codes are random and kept
//! only as SHA-256 hashes: a copy of the database does not let anyone sign in. (High-entropy
//! secrets need no slow hash; passwords, which people choose, would.)

use std::collections::{BTreeSet, HashMap};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use rand::Rng;
use sha2::{Digest, Sha256};

use crate::app::AppState;
use crate::error::ApiError;
use crate::storage::{Device, Grid, Role, User};

pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A bearer token: 32 random bytes, hex, with a prefix that makes leaked tokens easy to spot.
pub fn new_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    format!("gk_{}", hex::encode(bytes))
}

/// Letters and digits that cannot be misread when a supervisor reads a code aloud.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A one-time enrolment code, `XXXX-XXXX-XXXX` (60 bits).
pub fn new_enroll_code() -> String {
    let mut rng = rand::rng();
    let chars: Vec<u8> = (0..12)
        .map(|_| CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())])
        .collect();
    chars
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// Codes are compared without dashes, spaces or case, as people type them.
pub fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The grid tree, for resolving a scope to the grids below it.
#[derive(Debug, Default)]
pub struct Tree {
    children: HashMap<String, Vec<String>>,
    known: BTreeSet<String>,
}

impl Tree {
    pub fn new(grids: &[Grid]) -> Tree {
        let mut tree = Tree::default();
        for g in grids {
            tree.known.insert(g.id.clone());
            if let Some(p) = &g.parent {
                tree.children
                    .entry(p.clone())
                    .or_default()
                    .push(g.id.clone());
            }
        }
        tree
    }

    pub fn contains(&self, id: &str) -> bool {
        self.known.contains(id)
    }

    /// Every node at or below the given ones.
    pub fn subtree(&self, roots: &[String]) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut stack: Vec<&String> = roots.iter().filter(|r| self.contains(r)).collect();
        while let Some(id) = stack.pop() {
            if out.insert(id.clone())
                && let Some(kids) = self.children.get(id)
            {
                stack.extend(kids);
            }
        }
        out
    }
}

/// An authenticated caller: a live device and its user, with the grids it reaches.
#[derive(Debug, Clone)]
pub struct Caller {
    pub device: Device,
    pub user: User,
    /// Every tree node in the user's scope and below.
    pub reach: BTreeSet<String>,
}

impl Caller {
    pub fn can_read(&self, grid: &str) -> bool {
        matches!(self.user.role, Role::Worker | Role::Supervisor) && self.reach.contains(grid)
    }

    pub fn can_write(&self, grid: &str) -> bool {
        self.user.role == Role::Worker && self.reach.contains(grid)
    }

    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.user.role == Role::Admin {
            Ok(())
        } else {
            Err(ApiError::forbidden("this needs an administrator"))
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| {
                ApiError::unauthorized("sign in: send the device token as a bearer token")
            })?;
        let token = header
            .strip_prefix("Bearer ")
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::unauthorized("the Authorization header is not `Bearer <token>`")
            })?;
        let (device, user) = state
            .storage
            .device_by_token(&hash_secret(token))
            .await?
            .ok_or_else(|| {
                ApiError::unauthorized("this token is not known; enrol the device again")
            })?;
        if device.revoked_at.is_some() {
            // Its own code, so the phone can say what happened instead of "sign in again";
            // still a 401, which every older phone reads as a refused token.
            return Err(ApiError::new(
                axum::http::StatusCode::UNAUTHORIZED,
                "device_revoked",
                "this device has been revoked by an administrator; its token is no longer accepted",
            ));
        }
        state.rate_limit.check(&device.id)?;
        let mut tree = state.tree.get(state.storage.as_ref()).await?;
        if user.scope.iter().any(|node| !tree.contains(node)) {
            // A grid added since the cached tree was read (by the `admin` command or another
            // server process): read it again rather than refuse a freshly enrolled phone.
            state.tree.invalidate();
            tree = state.tree.get(state.storage.as_ref()).await?;
        }
        let reach = tree.subtree(&user.scope);
        Ok(Caller {
            device,
            user,
            reach,
        })
    }
}

impl Caller {
    /// The caller a device's own token would make, for work the device hands over another
    /// way (a rescue file an administrator carries in): same user, scope and reach, with the
    /// tree read afresh. Says nothing about revocation; the caller checks that.
    pub async fn for_device(
        state: &AppState,
        device: Device,
        user: User,
    ) -> Result<Caller, ApiError> {
        state.tree.invalidate();
        let reach = state
            .tree
            .get(state.storage.as_ref())
            .await?
            .subtree(&user.scope);
        Ok(Caller {
            device,
            user,
            reach,
        })
    }

    /// Before refusing a grid as out of reach, looks at the tree as it is now: a grid added
    /// below the caller's scope moments ago is in reach even if the cached tree lags.
    pub async fn refresh_reach(&mut self, state: &AppState) -> Result<(), ApiError> {
        state.tree.invalidate();
        self.reach = state
            .tree
            .get(state.storage.as_ref())
            .await?
            .subtree(&self.user.scope);
        Ok(())
    }
}
