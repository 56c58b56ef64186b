using System.Net.Http.Headers;
using System.Text.Json;

namespace D3Chat.Client;

/// <summary>The spec's UserResponse / PublicUserProfile (the latter has no email_visible / preferences).</summary>
public sealed record UserProfile(
    Guid Id, string Username, string? Email, string ServerDomain, bool IsLocal, string Role, string? DisplayName,
    string? AvatarUrl, string? Bio, string? StatusMessage, bool? EmailVisible, JsonElement? Preferences, DateTime CreatedAt);

public sealed record DeviceInfo(Guid Id, string DeviceName, string? DeviceKeyPublic, DateTime? LastSeenAt, DateTime CreatedAt);

public sealed partial class D3ChatClient
{
    public Task<UserProfile> GetMeAsync(CancellationToken ct = default) => SendAsync<UserProfile>(HttpMethod.Get, "/api/v1/users/me", ct: ct);

    /// <summary>PATCH /users/me with exactly the given fields (snake_case names as in the spec).</summary>
    public Task<UserProfile> UpdateMeAsync(object fields, CancellationToken ct = default) =>
        SendAsync<UserProfile>(HttpMethod.Patch, "/api/v1/users/me", fields, ct);

    public Task ChangePasswordAsync(string oldPassword, string newPassword, CancellationToken ct = default) =>
        SendNoContentAsync(HttpMethod.Post, "/api/v1/users/me/password", new { old_password = oldPassword, new_password = newPassword }, ct);

    public Task<List<UserProfile>> SearchUsersAsync(string q, CancellationToken ct = default) =>
        SendAsync<List<UserProfile>>(HttpMethod.Get, $"/api/v1/users/search?q={Uri.EscapeDataString(q)}", ct: ct);

    public Task<UserProfile> LookupUserAsync(string identity, CancellationToken ct = default) =>
        SendAsync<UserProfile>(HttpMethod.Get, $"/api/v1/users/lookup?identity={Uri.EscapeDataString(identity)}", ct: ct);

    public Task<UserProfile> GetUserAsync(Guid userId, CancellationToken ct = default) =>
        SendAsync<UserProfile>(HttpMethod.Get, $"/api/v1/users/{userId}", ct: ct);

    /// <summary>Uploads an avatar as the multipart part <c>file</c>.</summary>
    public Task<UserProfile> UploadAvatarAsync(byte[] content, string contentType, string fileName = "avatar", CancellationToken ct = default)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        return SendAsync<UserProfile>(HttpMethod.Post, "/api/v1/users/me/avatar", form, ct);
    }

    public Task<UserProfile> DeleteAvatarAsync(CancellationToken ct = default) =>
        SendAsync<UserProfile>(HttpMethod.Delete, "/api/v1/users/me/avatar", ct: ct);

    public Task<DeviceInfo> CreateDeviceAsync(string deviceName, string? deviceKeyPublic = null, CancellationToken ct = default) =>
        SendAsync<DeviceInfo>(HttpMethod.Post, "/api/v1/devices", new { device_name = deviceName, device_key_public = deviceKeyPublic }, ct);

    public Task<List<DeviceInfo>> ListDevicesAsync(CancellationToken ct = default) => SendAsync<List<DeviceInfo>>(HttpMethod.Get, "/api/v1/devices", ct: ct);

    public Task DeleteDeviceAsync(Guid deviceId, CancellationToken ct = default) =>
        SendNoContentAsync(HttpMethod.Delete, $"/api/v1/devices/{deviceId}", ct: ct);

    /// <summary>The public branding config (no auth).</summary>
    public Task<JsonElement> GetPublicConfigAsync(CancellationToken ct = default) => SendAsync<JsonElement>(HttpMethod.Get, "/api/v1/config", ct: ct);
}
