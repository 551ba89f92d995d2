-- Sign-in with OpenID Connect: identities keyed by (issuer, subject), and the state
-- of sign-ins under way (single use, short-lived; the state is stored as a hash).

CREATE TABLE identities (
    issuer           TEXT NOT NULL,
    subject          TEXT NOT NULL,
    user_id          TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email            TEXT NOT NULL,
    workspace_domain TEXT,
    created_at       BIGINT NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX identities_user ON identities (user_id);

CREATE TABLE oidc_logins (
    state_hash    TEXT PRIMARY KEY,
    provider      TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    nonce         TEXT NOT NULL,
    intent        TEXT NOT NULL,
    invite_token  TEXT,
    created_at    BIGINT NOT NULL
);
