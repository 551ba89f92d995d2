-- Removals and rejections are remembered by normalized email, so that deleting the
-- account and signing up again does not escape the rejoin rule; and the audit log
-- outlives its org (no foreign key, not deleted with the org).

DROP TABLE removals;
CREATE TABLE removals (
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    email      TEXT NOT NULL,
    removed_at BIGINT NOT NULL,
    removed_by TEXT,
    reason     TEXT NOT NULL,
    PRIMARY KEY (org_id, email)
);

CREATE TABLE audit_log (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL,
    at           BIGINT NOT NULL,
    actor_id     TEXT,
    actor_email  TEXT,
    action       TEXT NOT NULL,
    target_id    TEXT,
    target_email TEXT,
    detail       TEXT,
    client_ip    TEXT
);
INSERT INTO audit_log (id, org_id, at, actor_id, actor_email, action, target_id, target_email, detail, client_ip)
    SELECT id, org_id, at, actor_id, actor_email, action, target_id, target_email, detail, client_ip FROM audit_events;
DROP TABLE audit_events;
CREATE INDEX audit_log_org ON audit_log (org_id, id);
