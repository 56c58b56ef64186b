-- Retention (issue 13, docs/ops.md "Retention"). The api's retention timer deletes what is no
-- longer needed and scrubs the old content of edited and deleted messages from the event tables.
--
-- Attachment rows disappear in several ways (a message or channel is deleted and cascades, an
-- upload is never linked, a user is deleted), and each must take its blobs with it. A trigger
-- records every deleted row's blob names in the same transaction, whatever deleted it, and the
-- timer deletes the blobs afterwards: a rollback keeps the blobs, a committed delete never
-- orphans them.
CREATE TABLE blob_deletions (
    blob_name varchar(512) PRIMARY KEY,                   -- name inside the attachments container
    queued_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION queue_attachment_blob_deletions() RETURNS trigger AS $$
BEGIN
    INSERT INTO blob_deletions (blob_name) VALUES (OLD.storage_path) ON CONFLICT DO NOTHING;
    IF OLD.thumbnail_path IS NOT NULL THEN
        INSERT INTO blob_deletions (blob_name) VALUES (OLD.thumbnail_path) ON CONFLICT DO NOTHING;
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER attachments_queue_blob_deletions
    AFTER DELETE ON attachments
    FOR EACH ROW EXECUTE FUNCTION queue_attachment_blob_deletions();

-- The timer's predicates.
CREATE INDEX ix_outbox_sent_at ON outbox (sent_at) WHERE sent_at IS NOT NULL;
CREATE INDEX ix_sessions_expires_at ON sessions (expires_at);
CREATE INDEX ix_attachments_unlinked ON attachments (created_at) WHERE message_id IS NULL;

-- Event payloads name messages by id inside JSON. Comparing m.id = try_uuid(...) keeps the
-- messages primary key usable, and a payload that is not ours (a dead letter that never parsed)
-- yields NULL instead of failing the whole statement.
CREATE FUNCTION try_uuid(value text) RETURNS uuid AS $$
    SELECT CASE WHEN value ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN value::uuid END
$$ LANGUAGE sql IMMUTABLE;
