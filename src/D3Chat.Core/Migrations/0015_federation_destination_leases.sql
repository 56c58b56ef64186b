-- Who sends batches to a destination (docs/federation.md "Batches"): one relay run at a time per peer,
-- across every instance. A lease row replaces the session-level advisory lock it was: with PgBouncer's
-- transaction pooling (postgresPgBouncer=true) consecutive statements of one client can run on
-- different server sessions, so such a lock could be taken on one and "released" on another, and stay
-- held until PgBouncer closed that session. A lease needs no session, and a holder that stops without
-- letting go (a Functions instance recycled mid-run) only blocks its destination until expires_at.
-- The advisory locks of this schema are gone with the sessions that held them: nothing to migrate.
CREATE TABLE federation_destination_leases (
    destination varchar(255) PRIMARY KEY,        -- peer domain
    holder      uuid NOT NULL,                   -- the relay run holding it
    expires_at  timestamptz NOT NULL
);
