-- Order independence of the relay (issue 15 item 4, docs/federation.md "Ordering"). Queue messages are
-- processed concurrently, so a member's first message can be relayed before the event that made them a
-- member, and the peer would drop it ("sender is not a member"). The relay therefore puts a channel.join
-- of the sender in front of a message.relay (same transaction, lower seq, same send) until a join of
-- that sender has been acknowledged by that destination. One row per (channel, local sender,
-- destination): the last such join. While its delivery row still exists (pending or dead) the join is
-- not known to be applied there, so the next message carries one again.
CREATE TABLE federation_sender_joins (
    channel_id    uuid NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    username      varchar(255) NOT NULL,                  -- local sender (local usernames are unique)
    destination   varchar(255) NOT NULL,                  -- peer domain
    join_event_id varchar(255) NOT NULL,                  -- federation_deliveries.event_id of that join
    PRIMARY KEY (channel_id, username, destination)
);

-- Send order per destination: when the channel event happened, then insertion. Relay handlers run
-- side by side, so insertion order (seq) alone can put a later message of the same channel before an
-- earlier one; the event time keeps the origin's order for the retry timer. NULL for older rows.
ALTER TABLE federation_deliveries ADD COLUMN occurred_at timestamptz;
