using D3Chat.Core.Outbox;

namespace D3Chat.Functions.Api.Admin;

/// <summary>Dead-lettered outbox events: list and retry (issue 13, admin only).</summary>
public sealed class OutboxAdminFunctions(RequestGate gate, OutboxAdmin admin)
{
    [Function(nameof(OutboxDeadLetters))]
    public Task<IActionResult> OutboxDeadLetters(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/outbox/dead-letters")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.Admin, ct).Ok(_ => Outcome.Of(admin.ListAsync(ct)));

    [Function(nameof(RetryOutboxDeadLetter))]
    public Task<IActionResult> RetryOutboxDeadLetter(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/admin/outbox/dead-letters/{id}/retry")] HttpRequest req,
        string id, CancellationToken ct) =>
        gate.Run(req, Access.Admin, ct).Id(id, "id").Accepted((_, eventId) => admin.RetryAsync(eventId, ct));
}
