namespace D3Chat.Integration.Tests.Infrastructure;

/// <summary>Random names so tests never collide on the shared server.</summary>
public static class Names
{
    public static string Username(string prefix = "u") => $"{prefix}_{Guid.NewGuid():N}"[..24];

    public const string Password = "correct horse battery";
}
