-- Channels, messages, keys and attachments as D3Chat departs from the reference
-- (docs/api.md, "Where D3Chat differs from the reference").

-- Departure 2: a group channel can be joined only when public (the reference let anyone join
-- anything, so existing groups stay public); DMs are never joinable.
ALTER TABLE channels ADD COLUMN is_public boolean NOT NULL DEFAULT true;
UPDATE channels SET is_public = false WHERE is_dm;

-- Keyset pagination of message pages on (channel_id, created_at, id): the id breaks ties between
-- equal timestamps, so a page boundary inside a run of equal timestamps loses nothing.
DROP INDEX ix_messages_channel_created;
CREATE INDEX ix_messages_channel_created_id ON messages (channel_id, created_at, id);
CREATE INDEX ix_messages_reply_to_id ON messages (reply_to_id) WHERE reply_to_id IS NOT NULL;

-- A federated message is stored once, however often its origin relays it.
CREATE UNIQUE INDEX ux_messages_origin ON messages (origin_server, origin_message_id)
    WHERE origin_server IS NOT NULL AND origin_message_id IS NOT NULL;

CREATE INDEX ix_attachments_message_id ON attachments (message_id) WHERE message_id IS NOT NULL;

-- One-time pre-keys, one row each, so a bundle fetch claims one atomically with
-- DELETE ... FOR UPDATE SKIP LOCKED (the reference popped a JSON array in place and could hand
-- out the same key twice). device_keys.one_time_pre_keys is no longer read or written.
CREATE TABLE one_time_pre_keys (
    id         bigserial PRIMARY KEY,                     -- upload order: keys are handed out first in, first out
    device_id  uuid NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    public_key text NOT NULL                              -- base64 of the public key, opaque to the server
);
CREATE INDEX ix_one_time_pre_keys_device ON one_time_pre_keys (device_id, id);

-- The initiator's X3DH setup of a DM, kept durably per channel (the reference kept it 30 days in Redis).
CREATE TABLE x3dh_setups (
    channel_id             uuid PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
    initiator_identity_key text NOT NULL,
    ephemeral_public_key   text NOT NULL,
    used_one_time_key      boolean NOT NULL DEFAULT false,
    uploaded_by            uuid REFERENCES users (id) ON DELETE SET NULL,
    updated_at             timestamptz NOT NULL DEFAULT now()
);

-- Departure 3: a sending device distributes its sender key to each recipient device as an
-- envelope encrypted under their pairwise session. The server stores only these opaque envelopes
-- and serves each device only the ones addressed to it. The reference table sender_keys (chain
-- keys in the clear) is no longer read or written.
CREATE TABLE sender_key_envelopes (
    channel_id          uuid NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    sender_device_id    uuid NOT NULL,                    -- no FK: may be a remote device
    recipient_device_id uuid NOT NULL,                    -- no FK: may be a remote device
    sender_user_id      uuid REFERENCES users (id) ON DELETE CASCADE,
    sender_key_public   text NOT NULL,                    -- identifies the sender-key generation; not secret
    envelope            text NOT NULL,                    -- ciphertext for the recipient device only
    created_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (channel_id, recipient_device_id, sender_device_id)
);
CREATE INDEX ix_sender_key_envelopes_sender ON sender_key_envelopes (channel_id, sender_device_id);
