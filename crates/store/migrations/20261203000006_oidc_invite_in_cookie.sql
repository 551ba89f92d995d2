-- The invite token of a sign-in under way now travels in a browser cookie, never in
-- the database, where invite tokens are kept only as hashes.
ALTER TABLE oidc_logins DROP COLUMN invite_token;
