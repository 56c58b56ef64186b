-- Outbox retry schedule and dead letters (issue 13). A failed publish pushes next_attempt_at back
-- (exponential backoff), so a poisoned row never holds the head of the sweep; after
-- Queue:OutboxMaxAttempts failures the row moves to outbox_dead_letters, where admins list and
-- retry it (GET /api/v1/admin/outbox/dead-letters, POST .../{id}/retry).
ALTER TABLE outbox
    ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),   -- the sweep takes due rows only
    ADD COLUMN last_error      varchar(500);                         -- exception type and message of the last failure
UPDATE outbox SET next_attempt_at = created_at WHERE sent_at IS NULL;
DROP INDEX ix_outbox_unsent;
CREATE INDEX ix_outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL;

CREATE TABLE outbox_dead_letters (
    id         uuid PRIMARY KEY,                          -- the event id, unchanged on retry
    event_type varchar(64) NOT NULL,
    payload    jsonb NOT NULL,                            -- as in outbox; never returned by the admin list
    created_at timestamptz NOT NULL,                      -- when the change committed
    attempts   integer NOT NULL,
    last_error varchar(500),
    dead_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_outbox_dead_letters_dead_at ON outbox_dead_letters (dead_at);
