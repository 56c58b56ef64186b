namespace D3Chat.Functions.Shared;

/// <summary>Where this app answers <see cref="HealthFunctions"/>.</summary>
internal static class HealthRoute
{
    public const string FunctionName = "FederationHealth";
    public const string Path = "federation/health";
}
