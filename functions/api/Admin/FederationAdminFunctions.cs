using D3Chat.Core.Federation;

namespace D3Chat.Functions.Api.Admin;

/// <summary>Per-peer federation delivery state and dead-letter retry (D3Chat addition, admin only).</summary>
public sealed class FederationAdminFunctions(FederationAdmin admin, RequestGate gate)
{
    [Function(nameof(FederationPeers))]
    public Task<IActionResult> FederationPeers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/federation/peers")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.Admin, ct).Ok(call => admin.PeersAsync(call.User, ct));

    [Function(nameof(RetryFederationPeer))]
    public Task<IActionResult> RetryFederationPeer(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/admin/federation/peers/{domain}/retry")] HttpRequest req,
        string domain, CancellationToken ct) =>
        gate.Run(req, Access.Admin, ct).Ok(call => admin.RetryAsync(call.User, domain, ct));
}
