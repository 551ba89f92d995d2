-- Removals are also remembered by sign-in identity (issuer, subject), so that a person
-- whose email changed at their provider still comes back pending.
CREATE TABLE removed_identities (
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    issuer     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    removed_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, issuer, subject)
);
