-- Idempotent sends in one round trip (issue 14). A send's client-id claim, its message and its outbox
-- row go to PostgreSQL as one batch, which without an explicit transaction is an implicit one: when a
-- send within the window already holds the id, the claim must fail the batch so the message and its
-- event roll back with it, and the caller answers with the first message. Hence a function that
-- raises D3C01 instead of a statement that returns no row.
CREATE FUNCTION claim_client_message_id(
    p_channel_id uuid, p_sender_id uuid, p_client_message_id text, p_message_id uuid, p_now timestamptz, p_not_before timestamptz)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO message_client_ids (channel_id, sender_id, client_message_id, message_id, created_at)
    VALUES (p_channel_id, p_sender_id, p_client_message_id, p_message_id, p_now)
    ON CONFLICT (channel_id, sender_id, client_message_id) DO UPDATE
        SET message_id = EXCLUDED.message_id, created_at = EXCLUDED.created_at
        WHERE message_client_ids.created_at < p_not_before;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'client_message_id % already names a message', p_client_message_id USING ERRCODE = 'D3C01';
    END IF;
END
$$;
