using D3Chat.Core.Federation;
using D3Chat.Core.Http;
using D3Chat.Core.Keys;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Federation.Inbox;

/// <summary>Spec federation.md §4-5. The signature is verified first, before anything is counted or stored.</summary>
public sealed class InboxFunctions(FederationRequestVerifier verifier, FederationInbox inbox, UserLookup lookup, RemoteKeyBundles keyBundles, KeyService keys)
{
    [Function(nameof(FederationInbox))]
    public async Task<IActionResult> FederationInbox(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "federation/inbox")] HttpRequest req, CancellationToken ct)
    {
        var (body, tooLarge) = await FederationRequest.ReadBodyAsync(req, ct);
        if (tooLarge is not null)
        {
            return tooLarge;
        }
        var (origin, rejected) = await verifier.VerifyAsync(req, body!, ct);
        return rejected is not null ? ApiResults.From(rejected) : ApiResults.From(await inbox.ReceiveAsync(origin!, body!, ct));
    }

    [Function(nameof(FederationUserLookup))]
    public async Task<IActionResult> FederationUserLookup(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "federation/user-lookup")] HttpRequest req, CancellationToken ct)
    {
        var (username, error) = await VerifiedUsernameAsync(req, ct);
        return error ?? ApiResults.Ok(await lookup.FindLocalAsync(username!, ct));
    }

    /// <summary>A local user's published key bundles, without one-time pre-keys (see <see cref="RemoteKeyBundles"/>).</summary>
    [Function(nameof(FederationKeyBundles))]
    public async Task<IActionResult> FederationKeyBundles(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "federation/key-bundles")] HttpRequest req, CancellationToken ct)
    {
        var (username, error) = await VerifiedUsernameAsync(req, ct);
        return error ?? ApiResults.Ok(await keyBundles.FindLocalAsync(username!, ct));
    }

    /// <summary>
    /// A peer claims one one-time pre-key of a local device (<c>{"username", "device_id"}</c>), atomically;
    /// signature first, then the shared per-origin rate limit, then the body.
    /// </summary>
    [Function(nameof(FederationKeyClaim))]
    public async Task<IActionResult> FederationKeyClaim(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "federation/key-claim")] HttpRequest req, CancellationToken ct)
    {
        var (body, tooLarge) = await FederationRequest.ReadBodyAsync(req, ct);
        if (tooLarge is not null)
        {
            return tooLarge;
        }
        var (origin, rejected) = await verifier.VerifyAsync(req, body!, ct);
        if (rejected is not null)
        {
            return ApiResults.From(rejected);
        }
        if (await inbox.RateLimitAsync(origin!) is { } limited)
        {
            return ApiResults.From(limited);
        }
        var (claim, invalid) = RequestBody.Parse<KeyClaimRequest>(body!);
        return invalid ?? ApiResults.From(await keys.ClaimForPeerAsync(origin!, claim!, ct));
    }

    // The signed GETs: verify (empty body), then require ?username=.
    private async Task<(string? Username, IActionResult? Error)> VerifiedUsernameAsync(HttpRequest req, CancellationToken ct)
    {
        var (_, rejected) = await verifier.VerifyAsync(req, [], ct);
        if (rejected is not null)
        {
            return (null, ApiResults.From(rejected));
        }
        if (req.Query["username"].ToString() is not { Length: > 0 } username)
        {
            return (null, RequestBody.Invalid(new FieldError(["query", "username"], "Field required", "missing")));
        }
        return (username, null);
    }
}
