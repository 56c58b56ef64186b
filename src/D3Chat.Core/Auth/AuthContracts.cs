using System.Text.RegularExpressions;
using D3Chat.Core.Http;

namespace D3Chat.Core.Auth;

internal static partial class UsernameRules
{
    [GeneratedRegex("^[a-zA-Z0-9_-]+$")]
    public static partial Regex Pattern();

    public static void Check(Validator v, string field, string? username, bool required)
    {
        if (required ? v.Required(field, username, 3, 64) : v.Length(field, username, 3, 64))
        {
            v.Matches(field, username, Pattern());
        }
    }
}

public sealed record RegisterRequest(string? Username, string? Password, string? Email, string? DisplayName, string? DeviceName, string? InviteCode) : IValidatable
{
    public void Validate(Validator v)
    {
        UsernameRules.Check(v, "username", Username, required: true);
        v.Required("password", Password, 8, 128);
        v.Length("display_name", DisplayName, 0, 64);
        v.Length("device_name", DeviceName, 0, 128);
        v.Length("email", Email, 0, 255);
        v.Length("invite_code", InviteCode, 0, 128);
    }
}

public sealed record LoginRequest(string? Username, string? Password, string? DeviceName) : IValidatable
{
    public void Validate(Validator v)
    {
        v.Required("username", Username, 1);
        v.Required("password", Password, 1);
        v.Length("device_name", DeviceName, 0, 128);
    }
}

public sealed record RefreshRequest(string? RefreshToken) : IValidatable
{
    public void Validate(Validator v) => v.Required("refresh_token", RefreshToken, 1, 256);
}

/// <summary>The spec's TokenResponse.</summary>
public sealed record TokenResponse(string AccessToken, string RefreshToken, string TokenType, Guid UserId, Guid DeviceId);
