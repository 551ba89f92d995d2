-- Deploy keys (per org, used by a new cluster to register itself) and clusters.

CREATE TABLE deploy_keys (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    created_by   TEXT NOT NULL,
    description  TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    key_hash     TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
CREATE UNIQUE INDEX deploy_keys_hash ON deploy_keys (key_hash);
CREATE INDEX deploy_keys_org ON deploy_keys (org_id, created_at);
CREATE INDEX deploy_keys_creator ON deploy_keys (created_by);

CREATE TABLE clusters (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    deploy_key_id TEXT NOT NULL,
    registered_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX clusters_org_name ON clusters (org_id, name);
