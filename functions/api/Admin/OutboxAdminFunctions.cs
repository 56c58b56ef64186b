using D3Chat.Core.Outbox;
using D3Chat.Core.Queue;

namespace D3Chat.Functions.Api.Admin;

/// <summary>Dead-lettered outbox events and parked queue messages (poison or dead-letter queues): list and retry (issue 13, admin only).</summary>
public sealed class OutboxAdminFunctions(RequestGate gate, OutboxAdmin admin, ParkedChannelEvents parked)
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

    [Function(nameof(PoisonQueueMessages))]
    public Task<IActionResult> PoisonQueueMessages(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/queues/poison")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.Admin, ct).Ok(_ => Outcome.Of(parked.ListAsync(ct)));

    [Function(nameof(RetryPoisonQueueMessages))]
    public Task<IActionResult> RetryPoisonQueueMessages(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/admin/queues/poison/retry")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.Admin, ct).Accepted(_ => Outcome.Of(parked.RetryAllAsync(ct)));
}
