-- Transactional outbox (docs/architecture.md, "Durability: the outbox"). A channel event is written here in the same
-- transaction as the change it describes, published to the work queue after commit, and marked
-- sent. The timer sweep republishes rows whose sent_at is still NULL.
CREATE TABLE outbox (
    id         uuid PRIMARY KEY,                          -- the event id: queue MessageId and consumers' dedup key
    event_type varchar(64) NOT NULL,                      -- e.g. message.new
    payload    jsonb NOT NULL,                            -- the ChannelEvent envelope as published
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at    timestamptz,                               -- NULL until the queue accepted the event
    attempts   integer NOT NULL DEFAULT 0                 -- publish attempts, for operators
);
CREATE INDEX ix_outbox_unsent ON outbox (created_at) WHERE sent_at IS NULL;
