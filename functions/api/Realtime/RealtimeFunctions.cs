using D3Chat.Core.Auth;
using D3Chat.Core.Http;
using D3Chat.Core.Realtime;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Api.Realtime;

/// <summary>
/// Departure 1: SignalR negotiate, and the HTTP replacements of the reference's typing and presence
/// socket frames (spec api.md §11.2, §11.5).
/// </summary>
public sealed class RealtimeFunctions(AuthGate gate, RealtimeNegotiator negotiator, TypingService typing, PresenceService presence)
{
    [Function(nameof(Negotiate))]
    public async Task<IActionResult> Negotiate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/realtime/negotiate")] HttpRequest req, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAsync(req, ct);
        return denied ?? ApiResults.From(await negotiator.NegotiateAsync(caller!, ct));
    }

    [Function(nameof(SendTyping))]
    public async Task<IActionResult> SendTyping(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/channels/{channel_id}/typing")] HttpRequest req,
        string channel_id, CancellationToken ct)
    {
        var (caller, channelId, denied) = await gate.AuthenticateAsync(req, channel_id, "channel_id", ct);
        if (denied is not null)
        {
            return denied;
        }
        var (body, invalid) = await RequestBody.ReadAsync<TypingRequest>(req, ct);
        return invalid ?? ApiResults.From(await typing.SendAsync(caller!, channelId, body!, ct), StatusCodes.Status204NoContent);
    }

    [Function(nameof(SetPresence))]
    public async Task<IActionResult> SetPresence(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/v1/presence")] HttpRequest req, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        var (body, invalid) = await RequestBody.ReadAsync<PresenceRequest>(req, ct);
        if (invalid is not null)
        {
            return invalid;
        }
        await presence.SetAsync(caller!.Id, body!.Status!, ct);
        return ApiResults.NoContent();
    }

    /// <summary><c>?user_ids=a,b</c> (or the parameter repeated) → <c>[{user_id, status}]</c>.</summary>
    [Function(nameof(GetPresence))]
    public async Task<IActionResult> GetPresence(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/presence")] HttpRequest req, CancellationToken ct)
    {
        var (caller, denied) = await gate.AuthenticateAsync(req, ct);
        if (denied is not null)
        {
            return denied;
        }
        if (PresenceQuery.Parse(req.Query["user_ids"]) is not { } userIds)
        {
            return PresenceQuery.Invalid;
        }
        return ApiResults.From(await presence.GetAsync(caller!.Id, userIds, ct));
    }
}
