-- Federation (spec federation.md, architecture departure 4): durable per-destination delivery,
-- dead letters, per-peer health, remote sender devices and opaque sender-key envelopes.

-- The sending device of a message received through federation. A separate column rather than
-- messages.sender_device_id, whose FK to devices must stay for local messages (remote devices have
-- no devices row). Readers show COALESCE(sender_device_id, remote_sender_device_id).
ALTER TABLE messages ADD COLUMN remote_sender_device_id uuid;

-- A Redis flush must not let a replayed relay create a second copy: one row per origin message.
-- Migration 0005 creates this very index; IF NOT EXISTS keeps this step valid on its own.
CREATE UNIQUE INDEX IF NOT EXISTS ux_messages_origin ON messages (origin_server, origin_message_id)
    WHERE origin_server IS NOT NULL AND origin_message_id IS NOT NULL;

-- Copies of remote channels are created private (0005 adds this column; IF NOT EXISTS keeps this
-- step valid on its own): local users join them only through an invitation.
ALTER TABLE channels ADD COLUMN IF NOT EXISTS is_public boolean NOT NULL DEFAULT true;

-- One row per (federation event, destination domain): the relay inserts it, tries once at once,
-- and the retry timer works off what is left. Delivered rows are deleted.
CREATE TABLE federation_deliveries (
    event_id        varchar(255) NOT NULL,                -- the federation event_id (peer's dedup key)
    destination     varchar(255) NOT NULL,                -- peer domain
    seq             bigint GENERATED ALWAYS AS IDENTITY,  -- send order per destination (an invite before the joins it implies)
    event_type      varchar(64)  NOT NULL,
    body            text NOT NULL,                        -- the exact JSON bytes signed and sent (UTF-8)
    created_at      timestamptz NOT NULL,                 -- first enqueue; retries stop at created_at + MaxRetryAge
    next_attempt_at timestamptz NOT NULL,                 -- not before this (per-row backoff)
    attempts        integer NOT NULL DEFAULT 0,
    last_error      varchar(512),                         -- status code or exception type, never a body
    dead_at         timestamptz,                          -- set when retries gave up: a dead letter
    PRIMARY KEY (event_id, destination)
);
CREATE INDEX ix_federation_deliveries_due ON federation_deliveries (next_attempt_at) WHERE dead_at IS NULL;
CREATE INDEX ix_federation_deliveries_destination ON federation_deliveries (destination);

-- Health of each peer as a destination (dendrite statistics.go): drives the per-destination backoff.
CREATE TABLE federation_peers (
    domain               varchar(255) PRIMARY KEY,
    last_success_at      timestamptz,
    last_failure_at      timestamptz,
    consecutive_failures integer NOT NULL DEFAULT 0,      -- reset by any successful delivery
    backoff_until        timestamptz                      -- no sends to this peer before this
);

-- Sender-key envelopes (architecture departure 3), as migration 0005 defines them; inbound
-- sender_key.distribute events store remote devices' envelopes here. IF NOT EXISTS: 0005 normally
-- created it already.
CREATE TABLE IF NOT EXISTS sender_key_envelopes (
    channel_id          uuid NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    sender_device_id    uuid NOT NULL,                    -- no FK: may be a remote device
    recipient_device_id uuid NOT NULL,                    -- no FK: may be a remote device
    sender_user_id      uuid REFERENCES users (id) ON DELETE CASCADE,
    sender_key_public   text NOT NULL,                    -- identifies the sender-key generation; not secret
    envelope            text NOT NULL,                    -- ciphertext for the recipient device only
    created_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (channel_id, recipient_device_id, sender_device_id)
);
