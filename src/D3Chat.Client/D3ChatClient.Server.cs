namespace D3Chat.Client;

public sealed record HealthResponse(string Status, IReadOnlyDictionary<string, string> Checks, string? Detail = null, string? Transport = null);

public sealed record ServerDiscovery(string Domain, string SigningKeyPublic, string ApiBaseUrl, int ProtocolVersion);

public sealed partial class D3ChatClient
{
    public Task<ServerDiscovery> GetServerDiscoveryAsync(CancellationToken ct = default) =>
        SendAsync<ServerDiscovery>(HttpMethod.Get, "/.well-known/d3chat-server", ct: ct);
}
