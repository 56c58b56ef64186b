-- When each remote user's device list was last fetched whole from their server (docs/federation.md
-- "Key bundles"). The channel device list, which clients read before every send, answers a remote
-- member from remote_devices while this is recent: device.update announcements keep those rows
-- current between fetches, and asking the member's server at every send made each send wait for it.
-- A user without a row here has never been fetched (no devices is not the same as unknown).
CREATE TABLE remote_device_lists (
    user_id    uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    fetched_at timestamptz NOT NULL
);
