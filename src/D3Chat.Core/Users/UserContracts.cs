using System.Text.Json;
using System.Text.Json.Serialization;
using D3Chat.Core.Auth;
using D3Chat.Core.Http;

namespace D3Chat.Core.Users;

/// <summary>The spec's UserResponse (self view).</summary>
public sealed record UserResponse(
    Guid Id, string Username, string? Email, string ServerDomain, bool IsLocal, string Role, string? DisplayName,
    string? AvatarUrl, string? Bio, string? StatusMessage, bool EmailVisible, JsonElement Preferences, DateTime CreatedAt)
{
    public static UserResponse From(User u) => new(
        u.Id, u.Username, u.Email, u.ServerDomain, u.IsLocal, u.Role, u.DisplayName, AvatarUrlOf(u), u.Bio, u.StatusMessage,
        u.EmailVisible, JsonText.Parse(u.Preferences) ?? default, u.CreatedAt);

    /// <summary><c>/api/v1/avatars/{id}</c> when the user has an avatar, else null.</summary>
    public static string? AvatarUrlOf(User u) => u.AvatarPath is null ? null : $"/api/v1/avatars/{u.Id:D}";
}

/// <summary>The spec's PublicUserProfile: no preferences; e-mail only when its owner made it visible.</summary>
public sealed record PublicUserProfile(
    Guid Id, string Username, string? Email, string ServerDomain, bool IsLocal, string Role, string? DisplayName,
    string? AvatarUrl, string? Bio, string? StatusMessage, DateTime CreatedAt)
{
    public static PublicUserProfile From(User u) => new(
        u.Id, u.Username, u.EmailVisible ? u.Email : null, u.ServerDomain, u.IsLocal, u.Role, u.DisplayName,
        UserResponse.AvatarUrlOf(u), u.Bio, u.StatusMessage, u.CreatedAt);
}

/// <summary>
/// Body of <c>PATCH /users/me</c>. Only keys present in the body are applied, so each property
/// records whether its setter ran (System.Text.Json calls it for explicit nulls too).
/// </summary>
public sealed class UpdateProfileRequest : IValidatable
{
    private string? _email;
    private string? _displayName;
    private string? _bio;
    private string? _statusMessage;

    public string? Email { get => _email; set { _email = value; HasEmail = true; } }

    /// <summary>Null is ignored (spec).</summary>
    public string? Username { get; set; }

    public string? DisplayName { get => _displayName; set { _displayName = value; HasDisplayName = true; } }

    public string? Bio { get => _bio; set { _bio = value; HasBio = true; } }

    public string? StatusMessage { get => _statusMessage; set { _statusMessage = value; HasStatusMessage = true; } }

    /// <summary>Null is ignored (spec).</summary>
    public bool? EmailVisible { get; set; }

    /// <summary>Null is ignored (spec); otherwise must be a JSON object.</summary>
    public JsonElement? Preferences { get; set; }

    [JsonIgnore] public bool HasEmail { get; private set; }
    [JsonIgnore] public bool HasDisplayName { get; private set; }
    [JsonIgnore] public bool HasBio { get; private set; }
    [JsonIgnore] public bool HasStatusMessage { get; private set; }

    public void Validate(Validator v)
    {
        v.Length("email", Email, 0, 255);
        UsernameRules.Check(v, "username", Username, required: false);
        v.Length("display_name", DisplayName, 0, 64);
        v.Length("bio", Bio, 0, 256);
        v.Length("status_message", StatusMessage, 0, 128);
        if (Preferences is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) })
        {
            v.Fail("preferences", "Input should be a valid dictionary", "dict_type");
        }
    }
}

/// <summary>Body of <c>POST /users/me/password</c>.</summary>
public sealed record ChangePasswordRequest(string? OldPassword, string? NewPassword) : IValidatable
{
    public void Validate(Validator v)
    {
        v.Required("old_password", OldPassword, 1);
        v.Required("new_password", NewPassword, 8, 128);
    }
}
