-- Protocol v3 (docs/crypto.md §2): each device publishes an ECDSA P-256 signing key (base64 of the
-- 65-byte uncompressed point) that signs its signed pre-key. Nullable: reference clients have none,
-- and D3Chat clients refuse such a bundle themselves.
ALTER TABLE device_keys ADD COLUMN signing_key varchar(255);
ALTER TABLE remote_devices ADD COLUMN signing_key text;

-- Idempotent sends (client_message_id or Idempotency-Key): one row per (channel, sender, client id)
-- naming the message the first request stored. The primary key is what makes a concurrent or
-- later retry a conflict (INSERT ... ON CONFLICT), never a check-then-insert. A row older than
-- 24 h no longer counts and is taken over by the next send with that id. The foreign key is
-- deferred because the key row is written before the message row, in the same transaction.
CREATE TABLE message_client_ids (
    channel_id        uuid NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    sender_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_message_id varchar(128) NOT NULL,
    message_id        uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    created_at        timestamptz NOT NULL,
    PRIMARY KEY (channel_id, sender_id, client_message_id)
);
CREATE INDEX ix_message_client_ids_created ON message_client_ids (created_at);
