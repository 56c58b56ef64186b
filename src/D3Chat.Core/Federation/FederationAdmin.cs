using D3Chat.Core.Auth;
using D3Chat.Core.Http;

namespace D3Chat.Core.Federation;

/// <summary>The answer of the retry route.</summary>
public sealed record RetryResponse(string Domain, int Requeued);

/// <summary>Operator view of federation delivery (admin routes <c>/api/v1/admin/federation/...</c>).</summary>
public sealed class FederationAdmin(DeliveryStore deliveries, TimeProvider time)
{
    public async Task<Outcome<PeerStatus[]>> PeersAsync(CurrentUser caller, CancellationToken ct)
    {
        if (!caller.IsAdmin)
        {
            return Problem.AdminRequired;
        }
        return (await deliveries.ListPeersAsync(ct)).ToArray();
    }

    /// <summary>Requeues the peer's dead letters with a fresh retry age; 404 for a domain never seen.</summary>
    public async Task<Outcome<RetryResponse>> RetryAsync(CurrentUser caller, string domain, CancellationToken ct)
    {
        if (!caller.IsAdmin)
        {
            return Problem.AdminRequired;
        }
        var peers = await deliveries.ListPeersAsync(ct);
        if (!peers.Any(p => p.Domain == domain))
        {
            return Problem.PeerNotFound;
        }
        return new RetryResponse(domain, await deliveries.RequeueDeadLettersAsync(domain, time.GetUtcNow(), ct));
    }
}
