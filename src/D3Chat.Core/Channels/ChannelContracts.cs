using D3Chat.Core.Http;

namespace D3Chat.Core.Channels;

public sealed record CreateChannelRequest(string? Name, bool IsDm = false, string? EncryptionType = null, bool IsPublic = true) : IValidatable
{
    public void Validate(Validator v)
    {
        v.Required("name", Name, 1, 128);
        if (!ChannelEncryption.IsCreatable(EncryptionType))
        {
            v.Fail("encryption_type", ChannelEncryption.CreatableMessage);
        }
    }
}

/// <summary>PATCH body: any member may rename; only the owner may change <c>is_public</c>.</summary>
public sealed record UpdateChannelRequest(string? Name, bool? IsPublic) : IValidatable
{
    public void Validate(Validator v) => v.Length("name", Name, 1, 128);
}

/// <summary>Body of POST /channels/{id}/members and POST /channels/dm.</summary>
public sealed record UserIdRequest(Guid? UserId) : IValidatable
{
    public void Validate(Validator v)
    {
        if (UserId is null)
        {
            v.Fail("user_id", "Field required", "missing");
        }
    }
}

/// <summary>The spec's ChannelResponse plus <c>is_public</c> (departure 2; always false for DMs).</summary>
public sealed record ChannelResponse(
    Guid Id, string? Name, bool IsDm, bool IsFederated, string EncryptionType, Guid? CreatedBy, DateTime CreatedAt, bool IsPublic);

/// <summary>The spec's ChannelMemberResponse.</summary>
public sealed record ChannelMemberResponse(
    Guid UserId, string Username, string ServerDomain, bool IsLocal, string Role, DateTime JoinedAt, string? DisplayName, string? AvatarUrl);

/// <summary>A <c>channels</c> row, with the caller's role when the query asked for it (null: not a member).</summary>
public sealed record Channel
{
    public required Guid Id { get; init; }
    public string? Name { get; init; }
    public bool IsDm { get; init; }
    public bool IsFederated { get; init; }
    public string? EncryptionType { get; init; }
    public Guid? CreatedBy { get; init; }
    public DateTime CreatedAt { get; init; }
    public bool IsPublic { get; init; }
    public string? MemberRole { get; init; }

    public ChannelResponse ToResponse() =>
        new(Id, Name, IsDm, IsFederated, EncryptionType ?? "sender_keys", CreatedBy, DateTime.SpecifyKind(CreatedAt, DateTimeKind.Utc), IsPublic);
}

/// <summary>A member row joined with its user.</summary>
internal sealed record ChannelMemberRow
{
    public required Guid UserId { get; init; }
    public required string Username { get; init; }
    public required string ServerDomain { get; init; }
    public bool IsLocal { get; init; }
    public string? Role { get; init; }
    public DateTime JoinedAt { get; init; }
    public string? DisplayName { get; init; }
    public string? AvatarPath { get; init; }

    public ChannelMemberResponse ToResponse() => new(UserId, Username, ServerDomain, IsLocal, Role ?? ChannelRoles.Member,
        DateTime.SpecifyKind(JoinedAt, DateTimeKind.Utc), DisplayName, AvatarPath is null ? null : $"/api/v1/avatars/{UserId:D}");
}

internal static class ChannelRoles
{
    public const string Owner = "owner";
    public const string Member = "member";
}
