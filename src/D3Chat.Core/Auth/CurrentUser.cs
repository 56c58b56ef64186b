namespace D3Chat.Core.Auth;

/// <summary>The authenticated caller of an API function, as established by <see cref="AuthGate"/>.</summary>
public sealed record CurrentUser(Guid Id, string Username, string ServerDomain, string Role)
{
    /// <summary>The session the access token belongs to (null for tokens issued before sessions were named in them).</summary>
    public Guid? SessionId { get; init; }

    public bool IsAdmin => Users.Roles.IsAdmin(Role);

    public bool IsSuperadmin => Role == Users.Roles.Superadmin;
}
