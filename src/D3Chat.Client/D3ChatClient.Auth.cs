namespace D3Chat.Client;

public sealed record TokenResponse(string AccessToken, string RefreshToken, string TokenType, Guid UserId, Guid DeviceId);

public sealed partial class D3ChatClient
{
    /// <summary>Registers and, on success, uses the new access token for later calls.</summary>
    public async Task<TokenResponse> RegisterAsync(string username, string password, string? email = null, string? displayName = null,
        string? deviceName = null, string? inviteCode = null, CancellationToken ct = default)
    {
        var tokens = await SendAsync<TokenResponse>(HttpMethod.Post, "/api/v1/auth/register",
            new { username, password, email, display_name = displayName, device_name = deviceName, invite_code = inviteCode }, ct);
        AccessToken = tokens.AccessToken;
        return tokens;
    }

    public async Task<TokenResponse> LoginAsync(string username, string password, string? deviceName = null, CancellationToken ct = default)
    {
        var tokens = await SendAsync<TokenResponse>(HttpMethod.Post, "/api/v1/auth/login", new { username, password, device_name = deviceName }, ct);
        AccessToken = tokens.AccessToken;
        return tokens;
    }

    public async Task<TokenResponse> RefreshAsync(string refreshToken, CancellationToken ct = default)
    {
        var tokens = await SendAsync<TokenResponse>(HttpMethod.Post, "/api/v1/auth/refresh", new { refresh_token = refreshToken }, ct);
        AccessToken = tokens.AccessToken;
        return tokens;
    }

    public Task LogoutAsync(string refreshToken, CancellationToken ct = default) =>
        SendNoContentAsync(HttpMethod.Post, "/api/v1/auth/logout", new { refresh_token = refreshToken }, ct);

    public Task LogoutAllAsync(CancellationToken ct = default) => SendNoContentAsync(HttpMethod.Post, "/api/v1/auth/logout-all", ct: ct);
}
