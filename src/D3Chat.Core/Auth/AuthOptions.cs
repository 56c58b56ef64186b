using System.ComponentModel.DataAnnotations;
using System.Text;

namespace D3Chat.Core.Auth;

/// <summary>Token and password-hashing settings (<c>Auth__*</c>).</summary>
public sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Auth";

    /// <summary>HS256 key for access tokens; at least 32 bytes. Startup fails without it.</summary>
    [Required]
    public string JwtSecret { get; set; } = "";

    [Range(1, 60)]
    public int AccessTokenMinutes { get; set; } = 15;

    [Range(1, 365)]
    public int RefreshTokenDays { get; set; } = 7;

    /// <summary>Argon2id memory cost in KiB (OWASP's minimum recommendation is 19 MiB with 2 passes).</summary>
    [Range(1024, 4 * 1024 * 1024)]
    public int Argon2MemoryKiB { get; set; } = 19 * 1024;

    [Range(1, 20)]
    public int Argon2Iterations { get; set; } = 2;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Encoding.UTF8.GetByteCount(JwtSecret) < 32)
        {
            yield return new ValidationResult("Auth__JwtSecret must be at least 32 bytes.", [nameof(JwtSecret)]);
        }
    }
}
