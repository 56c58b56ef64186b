-- Devices of remote users, learnt from their server's signed GET /federation/key-bundles.
-- They make a remote member's device a valid recipient of a local sender-key envelope; the
-- envelope itself travels in sender_key.distribute. Rows of a user are replaced by each
-- successful fetch and serve as the fallback answer while the peer is unreachable.
CREATE TABLE remote_devices (
    device_id                uuid PRIMARY KEY,
    user_id                  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    identity_key             text NOT NULL,
    -- Kept so the fallback answer is a complete KeyBundleResponse; not needed for sender keys.
    signed_pre_key           text NOT NULL,
    signed_pre_key_signature text NOT NULL,
    fetched_at               timestamptz NOT NULL
);
CREATE INDEX ix_remote_devices_user ON remote_devices (user_id);
