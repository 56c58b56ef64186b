-- The reference schema (reference migrations 001-007) in one step; documented in docs/protocol/data-model.md.
-- Ids are application-generated UUIDs; every timestamp is timestamptz.

-- Known federation peers, plus this server's own row (is_local = true).
CREATE TABLE servers (
    id                 uuid PRIMARY KEY,
    domain             varchar(255) NOT NULL UNIQUE,      -- e.g. chat.example.com or host:port
    signing_key_public varchar(255),                      -- standard base64 of the 32-byte Ed25519 key
    api_base_url       varchar(512),                      -- no trailing slash
    is_local           boolean DEFAULT false,
    verified           boolean DEFAULT false,             -- true once discovery succeeded
    protocol_version   integer DEFAULT 1,
    created_at         timestamptz DEFAULT now()
);

-- Local accounts and stubs of remote users materialised by federation.
CREATE TABLE users (
    id              uuid PRIMARY KEY,
    username        varchar(64)  NOT NULL,                -- case-sensitive
    email           varchar(255),
    password_hash   varchar(255),                         -- Argon2id PHC string; NULL for remote users
    server_domain   varchar(255) NOT NULL,
    is_local        boolean DEFAULT true,
    role            varchar(16)  NOT NULL DEFAULT 'user', -- user | admin | superadmin
    is_banned       boolean      NOT NULL DEFAULT false,
    is_suspended    boolean      NOT NULL DEFAULT false,
    suspended_until timestamptz,
    ban_reason      text,
    display_name    varchar(64),
    avatar_path     varchar(512),                         -- blob name of the avatar, NULL when none
    bio             varchar(256),
    status_message  varchar(128),
    email_visible   boolean      NOT NULL DEFAULT false,
    preferences     jsonb        NOT NULL DEFAULT '{}'::jsonb,
    created_at      timestamptz DEFAULT now(),
    updated_at      timestamptz DEFAULT now(),
    CONSTRAINT uq_user_domain UNIQUE (username, server_domain)
);
CREATE INDEX ix_users_username ON users (username);
CREATE INDEX ix_users_role ON users (role);

CREATE TABLE devices (
    id                uuid PRIMARY KEY,
    user_id           uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    device_name       varchar(128) NOT NULL,
    device_key_public varchar(255),
    last_seen_at      timestamptz,
    created_at        timestamptz DEFAULT now()
);
CREATE INDEX ix_devices_user_id ON devices (user_id);

-- Refresh-token sessions. Only the SHA-256 of a refresh token is stored.
CREATE TABLE sessions (
    id                 uuid PRIMARY KEY,
    user_id            uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    device_id          uuid REFERENCES devices (id) ON DELETE CASCADE,
    refresh_token_hash varchar(255) NOT NULL,             -- lowercase hex SHA-256
    expires_at         timestamptz NOT NULL,
    created_at         timestamptz DEFAULT now()
);
CREATE INDEX ix_sessions_refresh_token_hash ON sessions (refresh_token_hash);
CREATE INDEX ix_sessions_user_id ON sessions (user_id);

CREATE TABLE channels (
    id              uuid PRIMARY KEY,                     -- federated copies reuse the origin's id
    name            varchar(128),                         -- NULL for DMs
    server_id       uuid REFERENCES servers (id),
    is_dm           boolean DEFAULT false,
    is_federated    boolean DEFAULT false,                -- true once any remote user is a member
    created_by      uuid REFERENCES users (id),           -- NULL for channels created from a federation invite
    encryption_type varchar(32) DEFAULT 'sender_keys',    -- sender_keys (groups) | x3dh (DMs)
    created_at      timestamptz DEFAULT now()
);

CREATE TABLE channel_members (
    channel_id uuid NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       varchar(16) DEFAULT 'member',              -- owner | member
    joined_at  timestamptz DEFAULT now(),
    PRIMARY KEY (channel_id, user_id)
);
CREATE INDEX ix_channel_members_user_id ON channel_members (user_id);

CREATE TABLE messages (
    id                uuid PRIMARY KEY,
    channel_id        uuid NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    sender_id         uuid REFERENCES users (id) ON DELETE SET NULL,
    sender_device_id  uuid REFERENCES devices (id) ON DELETE SET NULL,
    content           text NOT NULL,                      -- opaque to the server: ciphertext when protocol_version = 2
    content_type      varchar(32) DEFAULT 'text',
    protocol_version  integer DEFAULT 1,                  -- 1 plaintext, 2 end-to-end encrypted
    origin_server     varchar(255),                       -- set for messages received through federation
    origin_message_id varchar(255),                       -- the origin server's message id
    reply_to_id       uuid REFERENCES messages (id) ON DELETE SET NULL,
    edited_at         timestamptz,
    created_at        timestamptz DEFAULT now()
);
CREATE INDEX ix_messages_channel_created ON messages (channel_id, created_at);

CREATE TABLE attachments (
    id             uuid PRIMARY KEY,
    message_id     uuid REFERENCES messages (id) ON DELETE CASCADE, -- NULL until a message links it
    channel_id     uuid NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    uploader_id    uuid REFERENCES users (id) ON DELETE SET NULL,
    filename       varchar(255) NOT NULL,
    content_type   varchar(128) NOT NULL,
    size_bytes     integer NOT NULL,
    storage_path   varchar(512) NOT NULL,                 -- blob name
    thumbnail_path varchar(512),                          -- blob name of the WebP thumbnail, images only
    width          integer,
    height         integer,
    created_at     timestamptz DEFAULT now()
);

-- One pre-key bundle per device.
CREATE TABLE device_keys (
    id                       uuid PRIMARY KEY,
    device_id                uuid NOT NULL UNIQUE REFERENCES devices (id) ON DELETE CASCADE,
    identity_key             varchar(255) NOT NULL,       -- base64 of a 65-byte P-256 point
    signed_pre_key           varchar(255) NOT NULL,
    signed_pre_key_signature text NOT NULL,               -- base64 of a 64-byte P1363 ECDSA signature
    one_time_pre_keys        jsonb DEFAULT '[]'::jsonb,   -- ordered array, consumed from the front
    updated_at               timestamptz DEFAULT now()
);

-- Sender-key records per channel and device. No FK on device_id: it may be a remote device.
CREATE TABLE sender_keys (
    id                uuid PRIMARY KEY,
    channel_id        uuid NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    device_id         uuid NOT NULL,
    sender_key_public varchar(255) NOT NULL,
    chain_key         varchar(255) NOT NULL,
    message_number    integer DEFAULT 0,
    created_at        timestamptz DEFAULT now(),
    CONSTRAINT uq_sender_keys_channel_device UNIQUE (channel_id, device_id)
);

CREATE TABLE audit_logs (
    id            uuid PRIMARY KEY,
    admin_user_id uuid NOT NULL REFERENCES users (id),
    action        varchar(64) NOT NULL,
    target_type   varchar(32) NOT NULL,                   -- user | channel | setting
    target_id     varchar(255) NOT NULL,                  -- uuid string or setting key
    details       jsonb,
    ip_address    varchar(45),
    created_at    timestamptz DEFAULT now()
);
CREATE INDEX ix_audit_logs_action ON audit_logs (action);
CREATE INDEX ix_audit_logs_created_at ON audit_logs (created_at);

CREATE TABLE server_settings (
    id          uuid PRIMARY KEY,
    key         varchar(128) NOT NULL UNIQUE,
    value       jsonb,                                    -- convention: {"value": <scalar or list>}
    category    varchar(64) NOT NULL DEFAULT 'general',
    description text,
    updated_at  timestamptz DEFAULT now(),
    updated_by  uuid REFERENCES users (id)
);

-- Created by the reference and never used; kept so the schema matches the reference's.
CREATE TABLE analytics_daily (
    id             uuid PRIMARY KEY,
    date           date NOT NULL UNIQUE,
    total_users    integer DEFAULT 0,
    new_users      integer DEFAULT 0,
    active_users   integer DEFAULT 0,
    total_messages integer DEFAULT 0,
    new_messages   integer DEFAULT 0,
    total_channels integer DEFAULT 0,
    new_channels   integer DEFAULT 0
);
