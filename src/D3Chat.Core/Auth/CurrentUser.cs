namespace D3Chat.Core.Auth;

/// <summary>The authenticated caller of an API function, as established by <see cref="AuthGate"/>.</summary>
public sealed record CurrentUser(Guid Id, string Username, string ServerDomain, string Role)
{
    public bool IsAdmin => Users.Roles.IsAdmin(Role);

    public bool IsSuperadmin => Role == Users.Roles.Superadmin;
}
