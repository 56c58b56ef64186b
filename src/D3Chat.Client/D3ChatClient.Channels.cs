namespace D3Chat.Client;

public sealed record ChannelResponse(Guid Id, string? Name, bool IsDm, bool IsFederated, string EncryptionType, Guid? CreatedBy, DateTime CreatedAt, bool IsPublic);

public sealed record ChannelMemberResponse(Guid UserId, string Username, string ServerDomain, bool IsLocal, string Role, DateTime JoinedAt, string? DisplayName, string? AvatarUrl);

public sealed partial class D3ChatClient
{
    public Task<ChannelResponse> CreateChannelAsync(string name, bool isPublic = true, string? encryptionType = null, CancellationToken ct = default) =>
        SendAsync<ChannelResponse>(HttpMethod.Post, "/api/v1/channels", new { name, is_public = isPublic, encryption_type = encryptionType }, ct);

    public Task<List<ChannelResponse>> ListChannelsAsync(CancellationToken ct = default) =>
        SendAsync<List<ChannelResponse>>(HttpMethod.Get, "/api/v1/channels", ct: ct);

    public Task<ChannelResponse> GetChannelAsync(Guid channelId, CancellationToken ct = default) =>
        SendAsync<ChannelResponse>(HttpMethod.Get, $"/api/v1/channels/{channelId}", ct: ct);

    public Task<ChannelResponse> UpdateChannelAsync(Guid channelId, string? name = null, bool? isPublic = null, CancellationToken ct = default) =>
        SendAsync<ChannelResponse>(HttpMethod.Patch, $"/api/v1/channels/{channelId}", new { name, is_public = isPublic }, ct);

    public Task DeleteChannelAsync(Guid channelId, CancellationToken ct = default) =>
        SendNoContentAsync(HttpMethod.Delete, $"/api/v1/channels/{channelId}", ct: ct);

    public Task JoinChannelAsync(Guid channelId, CancellationToken ct = default) =>
        SendNoContentAsync(HttpMethod.Post, $"/api/v1/channels/{channelId}/join", ct: ct);

    public Task LeaveChannelAsync(Guid channelId, CancellationToken ct = default) =>
        SendNoContentAsync(HttpMethod.Post, $"/api/v1/channels/{channelId}/leave", ct: ct);

    public Task<List<ChannelMemberResponse>> ListMembersAsync(Guid channelId, CancellationToken ct = default) =>
        SendAsync<List<ChannelMemberResponse>>(HttpMethod.Get, $"/api/v1/channels/{channelId}/members", ct: ct);

    public Task<ChannelMemberResponse> AddMemberAsync(Guid channelId, Guid userId, CancellationToken ct = default) =>
        SendAsync<ChannelMemberResponse>(HttpMethod.Post, $"/api/v1/channels/{channelId}/members", new { user_id = userId }, ct);

    public Task<ChannelResponse> CreateDmAsync(Guid userId, CancellationToken ct = default) =>
        SendAsync<ChannelResponse>(HttpMethod.Post, "/api/v1/channels/dm", new { user_id = userId }, ct);
}
