using D3Chat.Core.Auth;
using D3Chat.Core.Http;
using D3Chat.Core.Outbox;
using D3Chat.Core.Queue;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Api.Admin;

/// <summary>Dead-lettered outbox events and the queues' poison queues: list and retry (issue 13, admin only).</summary>
public sealed class OutboxAdminFunctions(OutboxAdmin admin, PoisonQueues poisonQueues, AuthGate gate)
{
    [Function(nameof(OutboxDeadLetters))]
    public async Task<IActionResult> OutboxDeadLetters(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/outbox/dead-letters")] HttpRequest req, CancellationToken ct)
    {
        var (_, denied) = await gate.AuthenticateAdminAsync(req, ct);
        return denied ?? ApiResults.Ok(await admin.ListAsync(ct));
    }

    [Function(nameof(RetryOutboxDeadLetter))]
    public async Task<IActionResult> RetryOutboxDeadLetter(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/admin/outbox/dead-letters/{id}/retry")] HttpRequest req,
        string id, CancellationToken ct)
    {
        var (_, eventId, denied) = await gate.AuthenticateAdminAsync(req, id, "id", ct);
        return denied ?? ApiResults.From(await admin.RetryAsync(eventId, ct), StatusCodes.Status202Accepted);
    }

    [Function(nameof(PoisonQueueMessages))]
    public async Task<IActionResult> PoisonQueueMessages(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/admin/queues/poison")] HttpRequest req, CancellationToken ct)
    {
        var (_, denied) = await gate.AuthenticateAdminAsync(req, ct);
        return denied ?? ApiResults.Ok(await poisonQueues.ListAsync(ct));
    }

    [Function(nameof(RetryPoisonQueueMessages))]
    public async Task<IActionResult> RetryPoisonQueueMessages(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/admin/queues/poison/retry")] HttpRequest req, CancellationToken ct)
    {
        var (_, denied) = await gate.AuthenticateAdminAsync(req, ct);
        return denied ?? ApiResults.Status(StatusCodes.Status202Accepted, new { requeued = await poisonQueues.RedriveAsync(ct) });
    }
}
