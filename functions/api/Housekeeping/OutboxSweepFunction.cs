using D3Chat.Core.Outbox;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Api.Housekeeping;

public sealed class OutboxSweepFunction(OutboxSweeper sweeper)
{
    /// <summary>Republishes committed channel events that never reached the queue (decision 4).</summary>
    [Function(nameof(OutboxSweep))]
    public Task OutboxSweep([TimerTrigger("%OutboxSweepSchedule%")] TimerInfo timer, CancellationToken ct) =>
        sweeper.SweepAsync(ct);
}
