-- Orgs, memberships, invite links, removals, API keys and the audit log.
-- Portable SQL for SQLite and PostgreSQL; booleans are 0/1 BIGINT.

CREATE TABLE orgs (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    name_key          TEXT NOT NULL,
    workspace_domain  TEXT,
    approvals_enabled BIGINT NOT NULL DEFAULT 0,
    created_at        BIGINT NOT NULL,
    -- Bumped by every transaction that changes the org's members: the UPDATE takes
    -- the row lock that serializes those transactions on PostgreSQL.
    lock_version      BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX orgs_name_unique ON orgs (name_key);
CREATE UNIQUE INDEX orgs_domain_unique ON orgs (workspace_domain);

-- The primary key on user_id is the "one org per user" rule.
CREATE TABLE memberships (
    user_id    TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    status     TEXT NOT NULL,
    joined_at  BIGINT NOT NULL,
    joined_via TEXT NOT NULL
);
CREATE INDEX memberships_org ON memberships (org_id, joined_at, user_id);

CREATE TABLE invite_links (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    max_uses   BIGINT,
    uses       BIGINT NOT NULL DEFAULT 0,
    revoked_at BIGINT
);
CREATE UNIQUE INDEX invite_links_token ON invite_links (token_hash);
CREATE INDEX invite_links_org ON invite_links (org_id, created_at);

-- The latest removal of a user from an org, for the rejoin rule.
CREATE TABLE removals (
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    removed_at BIGINT NOT NULL,
    removed_by TEXT,
    PRIMARY KEY (org_id, user_id)
);

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    org_id       TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    description  TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    key_hash     TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
CREATE UNIQUE INDEX api_keys_hash ON api_keys (key_hash);
CREATE INDEX api_keys_user ON api_keys (user_id);

CREATE TABLE audit_events (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    at           BIGINT NOT NULL,
    actor_id     TEXT,
    actor_email  TEXT,
    action       TEXT NOT NULL,
    target_id    TEXT,
    target_email TEXT,
    detail       TEXT,
    client_ip    TEXT
);
CREATE INDEX audit_events_org ON audit_events (org_id, id);
