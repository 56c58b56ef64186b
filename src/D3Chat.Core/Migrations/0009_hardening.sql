-- Issue 12: deleting a user always works, names are never reused, sessions can be ended at once.

-- A deleted creator leaves the channel to its other members (rules in docs/security.md).
ALTER TABLE channels DROP CONSTRAINT channels_created_by_fkey,
    ADD CONSTRAINT channels_created_by_fkey FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE server_settings DROP CONSTRAINT server_settings_updated_by_fkey,
    ADD CONSTRAINT server_settings_updated_by_fkey FOREIGN KEY (updated_by) REFERENCES users (id) ON DELETE SET NULL;

-- Audit rows are history: they outlive the admin who wrote them, keeping the id and the name.
ALTER TABLE audit_logs DROP CONSTRAINT audit_logs_admin_user_id_fkey;
ALTER TABLE audit_logs ADD COLUMN admin_username varchar(64);
UPDATE audit_logs a SET admin_username = u.username FROM users u WHERE u.id = a.admin_user_id;

-- Peers know our users by name: a name once used here (deleted, or renamed away) is never given to
-- someone else. Checked by registration and rename.
CREATE TABLE retired_usernames (
    username   varchar(64) PRIMARY KEY,
    retired_at timestamptz NOT NULL DEFAULT now()
);

-- Access tokens issued before this instant are refused (logout-all, password change, ban, suspension).
ALTER TABLE users ADD COLUMN sessions_valid_after timestamptz;

-- Concurrent refreshes with one token (several tabs) get the same successor within a short grace:
-- the successor is kept sealed with a key derived from the retired token itself, so only a holder
-- of the old token can read it, and the database alone cannot.
ALTER TABLE retired_refresh_tokens ADD COLUMN successor_sealed bytea;

-- Local accounts are found by is_local (not by the configured domain), so a local name is unique on its own.
CREATE UNIQUE INDEX ux_users_local_username ON users (username) WHERE is_local;
