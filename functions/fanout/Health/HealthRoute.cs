namespace D3Chat.Functions.Shared;

/// <summary>Where this app answers <see cref="HealthFunctions"/> (the app serves nothing else over HTTP).</summary>
internal static class HealthRoute
{
    public const string FunctionName = "FanoutHealth";
    public const string Path = "fanout/health";
}
