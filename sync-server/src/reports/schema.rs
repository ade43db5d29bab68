//! Report projection tables: typed columns read from each record's fields, so report
//! queries group and filter on indexed columns instead of scanning JSON. Plain SQL that both
//! SQLite and PostgreSQL accept; created beside the relay's own schema. Archived and flagged
//! records have no rows here.

pub const DDL: &str = "
CREATE TABLE IF NOT EXISTS r_households (
    record_id TEXT PRIMARY KEY,
    grid TEXT NOT NULL,
    housing_type TEXT NOT NULL,
    members BIGINT NOT NULL,
    address TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS r_households_grid ON r_households (grid);
CREATE TABLE IF NOT EXISTS r_members (
    household_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    grid TEXT NOT NULL,
    name TEXT NOT NULL,
    id_number TEXT,
    phone TEXT,
    gender TEXT,
    birth_date TEXT,
    relation TEXT NOT NULL,
    registration TEXT NOT NULL,
    tags TEXT NOT NULL,
    PRIMARY KEY (household_id, member_id)
);
CREATE INDEX IF NOT EXISTS r_members_grid ON r_members (grid, registration);
CREATE TABLE IF NOT EXISTS r_visits (
    record_id TEXT PRIMARY KEY,
    grid TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    visited_at TEXT NOT NULL,
    worker TEXT NOT NULL,
    purpose TEXT NOT NULL,
    members_seen TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS r_visits_subject ON r_visits (subject_id, visited_at);
CREATE INDEX IF NOT EXISTS r_visits_grid ON r_visits (grid, visited_at);
CREATE TABLE IF NOT EXISTS r_places (
    record_id TEXT PRIMARY KEY,
    grid TEXT NOT NULL,
    name TEXT NOT NULL,
    place_type TEXT NOT NULL,
    address TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS r_places_grid ON r_places (grid);
CREATE TABLE IF NOT EXISTS r_inspections (
    record_id TEXT PRIMARY KEY,
    grid TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    inspected_at TEXT NOT NULL,
    inspector TEXT NOT NULL,
    status TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS r_inspections_grid ON r_inspections (grid, inspected_at);
CREATE TABLE IF NOT EXISTS r_inspection_answers (
    record_id TEXT PRIMARY KEY,
    grid TEXT NOT NULL,
    template_id TEXT NOT NULL,
    template_version BIGINT NOT NULL,
    inspected_at TEXT NOT NULL,
    answers TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS r_inspection_answers_grid ON r_inspection_answers (grid, inspected_at);
CREATE TABLE IF NOT EXISTS r_cases (
    record_id TEXT PRIMARY KEY,
    grid TEXT NOT NULL,
    category TEXT NOT NULL,
    subcategory TEXT NOT NULL,
    severity TEXT NOT NULL,
    state TEXT NOT NULL,
    reported_at TEXT NOT NULL,
    deadline TEXT NOT NULL,
    handled_at TEXT,
    escalated BIGINT NOT NULL,
    reporter TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS r_cases_grid ON r_cases (grid, reported_at);
CREATE TABLE IF NOT EXISTS r_mediations (
    record_id TEXT PRIMARY KEY,
    grid TEXT NOT NULL,
    dispute_type TEXT NOT NULL,
    risk_level TEXT NOT NULL,
    result TEXT,
    opened_on TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS r_mediations_grid ON r_mediations (grid, opened_on);
CREATE TABLE IF NOT EXISTS r_activities (
    record_id TEXT PRIMARY KEY,
    grid TEXT NOT NULL,
    topic TEXT NOT NULL,
    activity_type TEXT NOT NULL,
    held_on TEXT NOT NULL,
    participants BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS r_activities_grid ON r_activities (grid, held_on);
CREATE TABLE IF NOT EXISTS r_tasks (
    record_id TEXT PRIMARY KEY,
    grid TEXT NOT NULL,
    title TEXT NOT NULL,
    task_type TEXT NOT NULL,
    due_on TEXT NOT NULL,
    given_at TEXT NOT NULL,
    counts_from TEXT NOT NULL,
    assigned_by TEXT NOT NULL,
    assignees TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS r_tasks_grid ON r_tasks (grid, due_on);
CREATE TABLE IF NOT EXISTS r_task_targets (
    record_id TEXT NOT NULL,
    grid TEXT NOT NULL,
    target_id TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    label TEXT NOT NULL,
    position BIGINT NOT NULL,
    marked_by TEXT NOT NULL,
    marked_at TEXT NOT NULL,
    PRIMARY KEY (record_id, target_id)
);
CREATE TABLE IF NOT EXISTS r_worker_days (
    day TEXT NOT NULL,
    device_id TEXT NOT NULL,
    record_id TEXT NOT NULL,
    grid TEXT NOT NULL,
    PRIMARY KEY (day, device_id, record_id)
);
CREATE INDEX IF NOT EXISTS r_worker_days_grid ON r_worker_days (grid, day, device_id, record_id);
-- Which devices wrote a record: a 民情日志 entry is filed only from its worker's own.
CREATE INDEX IF NOT EXISTS r_worker_days_record ON r_worker_days (record_id, device_id);
CREATE TABLE IF NOT EXISTS r_diaries (
    record_id TEXT PRIMARY KEY,
    grid TEXT NOT NULL,
    worker TEXT NOT NULL,
    day TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    visited TEXT NOT NULL,
    problems TEXT NOT NULL,
    measures TEXT NOT NULL,
    results TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS r_diaries_grid ON r_diaries (grid, day);
CREATE TABLE IF NOT EXISTS ledger_definitions (
    id TEXT PRIMARY KEY,
    definition TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS export_audit (
    id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    user_id TEXT NOT NULL,
    what TEXT NOT NULL,
    scope TEXT NOT NULL,
    format TEXT NOT NULL,
    masked BIGINT NOT NULL,
    row_count BIGINT NOT NULL
);
";

/// The supervisor web side: passwords (argon2 hashes) and sessions (SHA-256 of the cookie
/// value). Kept apart from `users` and `devices` so the relay's own tables are untouched.
pub const WEB_DDL: &str = "
CREATE TABLE IF NOT EXISTS user_passwords (
    user_id TEXT PRIMARY KEY,
    hash TEXT NOT NULL,
    set_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS web_sessions (
    id_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
";
