using System.ComponentModel.DataAnnotations;
using D3Chat.Core.Auth;

namespace D3Chat.Core.Bootstrap;

/// <summary>
/// The first superadmin (<c>Bootstrap__AdminUsername</c>, <c>Bootstrap__AdminPassword</c>;
/// architecture departure 6). Both or neither; there is no default password anywhere.
/// </summary>
internal sealed class BootstrapOptions : IValidatableObject
{
    public const string Section = "Bootstrap";

    public string? AdminUsername { get; set; }

    public string? AdminPassword { get; set; }

    public bool IsConfigured => !string.IsNullOrEmpty(AdminUsername) && !string.IsNullOrEmpty(AdminPassword);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var hasName = !string.IsNullOrEmpty(AdminUsername);
        var hasPassword = !string.IsNullOrEmpty(AdminPassword);
        if (hasName != hasPassword)
        {
            yield return new ValidationResult("Set both Bootstrap__AdminUsername and Bootstrap__AdminPassword, or neither.");
        }
        if (hasName && (AdminUsername!.Length is < 3 or > 64 || !UsernameRules.Pattern().IsMatch(AdminUsername)))
        {
            yield return new ValidationResult("Bootstrap__AdminUsername must be 3-64 characters of letters, digits, '_' or '-'.", [nameof(AdminUsername)]);
        }
        if (hasPassword && AdminPassword!.Length is < 8 or > 128)
        {
            yield return new ValidationResult("Bootstrap__AdminPassword must be 8-128 characters.", [nameof(AdminPassword)]);
        }
    }
}
