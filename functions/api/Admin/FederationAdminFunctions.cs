using D3Chat.Core.Auth;
using D3Chat.Core.Federation;
using D3Chat.Core.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Api.Admin;

/// <summary>Per-peer federation delivery state and dead-letter retry (D3Chat addition, admin only).</summary>
public sealed class FederationAdminFunctions(FederationAdmin admin, AuthGate gate)
{
    [Function(nameof(FederationPeers))]
    public async Task<IActionResult> FederationPeers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/federation/peers")] HttpRequest req, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAsync(req, ct);
        return denied ?? ApiResults.From(await admin.PeersAsync(caller!, ct));
    }

    [Function(nameof(RetryFederationPeer))]
    public async Task<IActionResult> RetryFederationPeer(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/admin/federation/peers/{domain}/retry")] HttpRequest req,
        string domain, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAsync(req, ct);
        return denied ?? ApiResults.From(await admin.RetryAsync(caller!, domain, ct));
    }
}
