//! PostgreSQL backend (placeholder while being written).
