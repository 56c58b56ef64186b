using D3Chat.Core.Realtime;

namespace D3Chat.Functions.Api.Realtime;

/// <summary>
/// Departure 1: SignalR negotiate, and the HTTP replacements of the reference's typing and presence
/// socket frames (spec api.md §11.2, §11.5).
/// </summary>
public sealed class RealtimeFunctions(RequestGate gate, RealtimeNegotiator negotiator, TypingService typing, PresenceService presence)
{
    [Function(nameof(Negotiate))]
    public Task<IActionResult> Negotiate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/realtime/negotiate")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Ok(call => negotiator.NegotiateAsync(call.User, ct));

    [Function(nameof(SendTyping))]
    public Task<IActionResult> SendTyping(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/channels/{channel_id}/typing")] HttpRequest req,
        string channel_id, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Id(channel_id, "channel_id").Body<TypingRequest>()
            .NoContent((call, id, body) => typing.SendAsync(call.User, id, body, ct));

    [Function(nameof(SetPresence))]
    public Task<IActionResult> SetPresence(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/v1/presence")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Body<PresenceRequest>()
            .NoContent((call, body) => Outcome.Of(presence.SetAsync(call.User.Id, body.Status!, ct)));

    /// <summary><c>?user_ids=a,b</c> (or the parameter repeated) → <c>[{user_id, status}]</c>.</summary>
    [Function(nameof(GetPresence))]
    public Task<IActionResult> GetPresence(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/presence")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Query(PresenceQuery.Read)
            .Ok((call, userIds) => presence.GetAsync(call.User.Id, userIds!, ct));
}
