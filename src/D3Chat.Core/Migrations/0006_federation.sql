-- Federation (docs/protocol/federation.md, docs/federation.md): durable per-destination delivery,
-- dead letters, per-peer health, remote sender devices and opaque sender-key envelopes.

-- The sending device of a message received through federation. A separate column rather than
-- messages.sender_device_id, whose FK to devices must stay for local messages (remote devices have
-- no devices row). Readers show COALESCE(sender_device_id, remote_sender_device_id).
ALTER TABLE messages ADD COLUMN remote_sender_device_id uuid;

-- A replayed relay cannot create a second copy even after a Redis flush: migration 0005's unique
-- index ux_messages_origin on (origin_server, origin_message_id) backs the inbox's dedup, and remote
-- channel copies are created with 0005's channels.is_public = false.

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
