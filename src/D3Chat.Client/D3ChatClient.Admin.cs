using System.Text.Json;

namespace D3Chat.Client;

/// <summary>The spec's AdminUser (plus counts on the detail route).</summary>
public sealed record AdminUserInfo(
    Guid Id, string Username, string? Email, string ServerDomain, bool IsLocal, string Role, bool IsBanned, bool IsSuspended,
    DateTime? SuspendedUntil, string? BanReason, DateTime? CreatedAt, long? DeviceCount, long? SessionCount, long? ChannelCount, long? MessageCount);

public sealed record InviteInfo(string Code, Guid? CreatedBy, int? MaxUses, int Uses, DateTime? ExpiresAt, DateTime CreatedAt);

/// <summary>Admin routes (spec api.md §10) and invite codes. List routes return raw JSON pages.</summary>
public sealed partial class D3ChatClient
{
    public Task<JsonElement> AdminGetAsync(string pathAndQuery, CancellationToken ct = default) =>
        SendAsync<JsonElement>(HttpMethod.Get, "/api/v1/admin/" + pathAndQuery, ct: ct);

    public Task<AdminUserInfo> AdminGetUserAsync(Guid userId, CancellationToken ct = default) =>
        SendAsync<AdminUserInfo>(HttpMethod.Get, $"/api/v1/admin/users/{userId}", ct: ct);

    public Task<AdminUserInfo> BanAsync(Guid userId, string? reason = null, CancellationToken ct = default) =>
        SendAsync<AdminUserInfo>(HttpMethod.Post, $"/api/v1/admin/users/{userId}/ban", new { reason }, ct);

    public Task<AdminUserInfo> UnbanAsync(Guid userId, CancellationToken ct = default) =>
        SendAsync<AdminUserInfo>(HttpMethod.Post, $"/api/v1/admin/users/{userId}/unban", ct: ct);

    public Task<AdminUserInfo> SuspendAsync(Guid userId, int hours, string? reason = null, CancellationToken ct = default) =>
        SendAsync<AdminUserInfo>(HttpMethod.Post, $"/api/v1/admin/users/{userId}/suspend", new { hours, reason }, ct);

    public Task<AdminUserInfo> UnsuspendAsync(Guid userId, CancellationToken ct = default) =>
        SendAsync<AdminUserInfo>(HttpMethod.Post, $"/api/v1/admin/users/{userId}/unsuspend", ct: ct);

    public Task<AdminUserInfo> PromoteAsync(Guid userId, string role, CancellationToken ct = default) =>
        SendAsync<AdminUserInfo>(HttpMethod.Post, $"/api/v1/admin/users/{userId}/promote", new { role }, ct);

    public Task AdminDeleteUserAsync(Guid userId, CancellationToken ct = default) =>
        SendNoContentAsync(HttpMethod.Delete, $"/api/v1/admin/users/{userId}", ct: ct);

    public Task AdminDeleteChannelAsync(Guid channelId, CancellationToken ct = default) =>
        SendNoContentAsync(HttpMethod.Delete, $"/api/v1/admin/channels/{channelId}", ct: ct);

    /// <summary>PUT a setting's value, wrapped as the convention <c>{"value": X}</c>.</summary>
    public Task<JsonElement> PutSettingAsync(string key, object? value, string? description = null, CancellationToken ct = default) =>
        SendAsync<JsonElement>(HttpMethod.Put, $"/api/v1/admin/settings/{Uri.EscapeDataString(key)}", new { value = new { value }, description }, ct);

    public Task<JsonElement> CreateSettingAsync(string key, object? value, string? category = null, string? description = null, CancellationToken ct = default) =>
        SendAsync<JsonElement>(HttpMethod.Post, "/api/v1/admin/settings", new { key, value = new { value }, category, description }, ct);

    public Task<InviteInfo> CreateInviteAsync(int? maxUses = null, DateTimeOffset? expiresAt = null, CancellationToken ct = default) =>
        SendAsync<InviteInfo>(HttpMethod.Post, "/api/v1/admin/invites", new { max_uses = maxUses, expires_at = expiresAt }, ct);

    public Task<List<InviteInfo>> ListInvitesAsync(CancellationToken ct = default) => SendAsync<List<InviteInfo>>(HttpMethod.Get, "/api/v1/admin/invites", ct: ct);

    public Task RevokeInviteAsync(string code, CancellationToken ct = default) =>
        SendNoContentAsync(HttpMethod.Delete, $"/api/v1/admin/invites/{Uri.EscapeDataString(code)}", ct: ct);
}
