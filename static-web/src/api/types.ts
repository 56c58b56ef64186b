// Wire shapes of the D3Chat HTTP API (docs/api.md; snake_case as on the wire).

export interface TokenResponse {
  access_token: string;
  refresh_token: string;
  token_type: string;
  user_id: string;
  device_id: string;
}

export interface PublicConfig {
  app_name: string;
  app_description: string;
  registration_mode: 'open' | 'closed' | 'invite_only' | string;
  brand_primary_color: string;
  brand_accent_color: string;
}

export interface PublicUser {
  id: string;
  username: string;
  email: string | null;
  server_domain: string;
  is_local: boolean;
  role: string;
  display_name: string | null;
  avatar_url: string | null;
  bio: string | null;
  status_message: string | null;
  created_at: string;
}

export interface Me extends PublicUser {
  email_visible: boolean;
  preferences: Record<string, unknown>;
}

export interface Device {
  id: string;
  device_name: string;
  device_key_public: string | null;
  last_seen_at: string | null;
  created_at: string;
}

export interface Channel {
  id: string;
  name: string | null;
  is_dm: boolean;
  is_federated: boolean;
  encryption_type: string;
  created_by: string | null;
  created_at: string;
  is_public?: boolean;
}

export interface ChannelMember {
  user_id: string;
  username: string;
  server_domain: string;
  is_local: boolean;
  role: string;
  joined_at: string;
  display_name: string | null;
  avatar_url: string | null;
}

export interface AttachmentSnippet {
  id: string;
  filename: string;
  content_type: string;
  size_bytes: number;
  url: string;
  thumbnail_url: string | null;
  width: number | null;
  height: number | null;
}

export interface ReplySnippet {
  id: string;
  sender_id: string | null;
  content: string;
  content_type: string;
  protocol_version: number;
}

export interface Message {
  id: string;
  channel_id: string;
  sender_id: string | null;
  sender_device_id: string | null;
  content: string;
  content_type: string;
  protocol_version: number;
  reply_to_id: string | null;
  reply_to: ReplySnippet | null;
  attachments: AttachmentSnippet[];
  edited_at: string | null;
  created_at: string;
}

export interface MessagePage {
  messages: Message[];
  has_more: boolean;
}

export interface AttachmentLink {
  url: string;
  thumbnail_url: string | null;
  expires_at: string;
}

export interface KeyBundle {
  device_id: string;
  identity_key: string;
  signing_key?: string | null;
  signed_pre_key: string;
  signed_pre_key_signature: string;
  one_time_pre_key: string | null;
  one_time_pre_key_count: number;
}

export interface DeviceKeys {
  device_id: string;
  identity_key: string;
  signing_key: string | null;
  signed_pre_key: string | null;
  signed_pre_key_signature: string | null;
}

export interface ChannelMemberDevices {
  user_id: string;
  devices: DeviceKeys[];
}

export interface SenderKeyEnvelope {
  device_id: string;
  sender_user_id: string | null;
  sender_key_public: string;
  recipient_device_id: string;
  envelope: string;
  message_number: number;
  created_at: string;
}

export interface PresenceEntry {
  user_id: string;
  status: 'online' | 'away' | 'offline';
}

export interface AdminUser {
  id: string;
  username: string;
  email: string | null;
  server_domain: string;
  is_local: boolean;
  role: string;
  is_banned: boolean;
  is_suspended: boolean;
  suspended_until: string | null;
  ban_reason: string | null;
  created_at: string | null;
}

export interface AdminUserPage {
  users: AdminUser[];
  total: number;
  page: number;
  page_size: number;
}

export interface AdminChannel {
  id: string;
  name: string | null;
  is_dm: boolean;
  is_federated: boolean;
  encryption_type: string | null;
  created_by: string | null;
  created_at: string | null;
  member_count: number;
  message_count: number;
}

export interface AdminChannelPage {
  channels: AdminChannel[];
  total: number;
  page: number;
  page_size: number;
}

export interface DashboardStats {
  total_users: number;
  active_users_today: number;
  total_messages: number;
  total_channels: number;
}

export interface DailyAnalytics {
  date: string;
  new_users: number;
  active_users: number;
  new_messages: number;
  new_channels: number;
}

export interface AuditLog {
  id: string;
  admin_user_id: string | null;
  admin_username: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: unknown;
  ip_address: string | null;
  created_at: string;
}

export interface AuditLogPage {
  logs: AuditLog[];
  total: number;
  page: number;
  page_size: number;
}

export interface ServerSetting {
  key: string;
  value: unknown;
  category: string;
  description: string | null;
  updated_at: string | null;
}

export interface Invite {
  code: string;
  created_by: string | null;
  max_uses: number | null;
  uses: number;
  expires_at: string | null;
  created_at: string;
}

export interface FederationPeer {
  domain: string;
  last_success_at: string | null;
  last_failure_at: string | null;
  consecutive_failures: number;
  backoff_until: string | null;
  queued: number;
  dead_letters: number;
}

export interface RetryResponse {
  domain: string;
  requeued: number;
}
