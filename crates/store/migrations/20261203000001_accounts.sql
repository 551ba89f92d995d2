-- Accounts and sessions. Portable SQL: the same file runs on SQLite and PostgreSQL.
-- Ids are UUID text, times are milliseconds since the Unix epoch (BIGINT).

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL,
    name          TEXT NOT NULL,
    password_hash TEXT,
    created_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_email_unique ON users (email);

-- A session is stored only as the SHA-256 of its id.
CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    revoked_at   BIGINT
);
CREATE INDEX sessions_user ON sessions (user_id);
