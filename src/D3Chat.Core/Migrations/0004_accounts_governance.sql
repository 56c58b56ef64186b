-- Accounts and governance: refresh-token reuse detection and registration invite codes.

-- Hashes of refresh tokens that were rotated away. Presenting one again means the token was
-- copied (someone else used it first, or is using it now), so the whole session is revoked.
-- Rows go with their session (cascade), so they never outlive the session they protect.
CREATE TABLE retired_refresh_tokens (
    token_hash varchar(64) PRIMARY KEY,                   -- lowercase hex SHA-256 of the retired refresh token
    session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    retired_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_retired_refresh_tokens_session_id ON retired_refresh_tokens (session_id);

-- Invite codes for registration_mode = invite_only. A registration consumes one use in the same
-- transaction as the user insert (UPDATE ... WHERE uses < max_uses), so concurrent registrations
-- can never exceed max_uses.
CREATE TABLE invite_codes (
    code       varchar(64) PRIMARY KEY,                   -- 16 random bytes, URL-safe base64 (22 chars)
    created_by uuid REFERENCES users (id) ON DELETE SET NULL,
    max_uses   integer CHECK (max_uses IS NULL OR max_uses >= 1), -- NULL = unlimited
    uses       integer NOT NULL DEFAULT 0,
    expires_at timestamptz,                               -- NULL = never expires
    created_at timestamptz NOT NULL DEFAULT now()
);
