using D3Chat.Core.Federation;
using D3Chat.Core.Keys;

namespace D3Chat.Functions.Federation.Inbox;

/// <summary>Spec federation.md §4-5. The signature is verified first (<see cref="Access.Server"/>), before anything is counted or stored.</summary>
public sealed class InboxFunctions(
    RequestGate gate, FederationInbox inbox, SignedRequestReplays replays, UserLookup lookup, RemoteKeyBundles keyBundles, KeyService keys)
{
    [Function(nameof(FederationInbox))]
    public Task<IActionResult> FederationInbox(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "federation/inbox")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.Server, ct).Ok(call => inbox.ReceiveAsync(call.Signed.Origin, call.Signed.Body, ct));

    /// <summary>A batch of events in one signed request (D3Chat, spec §4.1); one result per event.</summary>
    [Function(nameof(FederationTransactions))]
    public Task<IActionResult> FederationTransactions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "federation/transactions")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.Server, ct).Ok(call => inbox.ReceiveBatchAsync(call.Signed.Origin, call.Signed.Body, ct));

    [Function(nameof(FederationUserLookup))]
    public Task<IActionResult> FederationUserLookup(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "federation/user-lookup")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.Server, ct).Query(q => q.RequiredString("username"))
            .Ok((_, username) => Outcome.Of(lookup.FindLocalAsync(username!, ct)));

    /// <summary>A local user's published key bundles, without one-time pre-keys (see <see cref="RemoteKeyBundles"/>).</summary>
    [Function(nameof(FederationKeyBundles))]
    public Task<IActionResult> FederationKeyBundles(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "federation/key-bundles")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.Server, ct).Query(q => q.RequiredString("username"))
            .Ok((_, username) => Outcome.Of(keyBundles.FindLocalAsync(username!, ct)));

    /// <summary>
    /// A peer claims one one-time pre-key of a local device (<c>{"username", "device_id", "nonce"}</c>), atomically;
    /// signature first, then the shared per-origin rate limit, then a replayed copy is refused (each copy
    /// would take another key), then the body.
    /// </summary>
    [Function(nameof(FederationKeyClaim))]
    public Task<IActionResult> FederationKeyClaim(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "federation/key-claim")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.Server, ct)
            .Check(async call => await inbox.RateLimitAsync(call.Signed.Origin) ?? await replays.FirstArrivalAsync(call.Signed))
            .Body<KeyClaimRequest>()
            .Ok((call, _, claim) => keys.ClaimForPeerAsync(call.Signed.Origin, claim, ct));
}
