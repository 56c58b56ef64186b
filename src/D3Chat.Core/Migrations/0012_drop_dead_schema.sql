-- Issue 15 item 3: what nothing reads goes.
-- sender_keys held the reference's chain keys in the clear; D3Chat never wrote it (clients exchange
-- sender keys as encrypted per-device envelopes, sender_key_envelopes), and a table shaped to store
-- secrets in the clear should not exist at all. analytics_daily was never used by the reference or
-- by D3Chat (analytics are computed live). device_keys.one_time_pre_keys was replaced by the
-- one_time_pre_keys table in 0005, which hands each key out exactly once.
DROP TABLE sender_keys;
DROP TABLE analytics_daily;
ALTER TABLE device_keys DROP COLUMN one_time_pre_keys;
