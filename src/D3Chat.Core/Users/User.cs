namespace D3Chat.Core.Users;

/// <summary>A <c>users</c> row.</summary>
public sealed record User
{
    public required Guid Id { get; init; }
    public required string Username { get; init; }
    public string? Email { get; init; }
    public string? PasswordHash { get; init; }
    public required string ServerDomain { get; init; }
    public bool IsLocal { get; init; } = true;
    public string Role { get; init; } = Roles.User;
    public bool IsBanned { get; init; }
    public bool IsSuspended { get; init; }
    public DateTime? SuspendedUntil { get; init; }
    public string? BanReason { get; init; }
    public string? DisplayName { get; init; }
    public string? AvatarPath { get; init; }
    public string? Bio { get; init; }
    public string? StatusMessage { get; init; }
    public bool EmailVisible { get; init; }
    public string Preferences { get; init; } = "{}";
    /// <summary>Access tokens issued before this are refused (logout-all, password change, ban, suspension).</summary>
    public DateTime? SessionsValidAfter { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
}

internal static class Roles
{
    public const string User = "user";
    public const string Admin = "admin";
    public const string Superadmin = "superadmin";

    public static bool IsAdmin(string role) => role is Admin or Superadmin;
}
