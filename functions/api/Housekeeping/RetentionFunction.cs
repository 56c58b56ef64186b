using D3Chat.Core.Retention;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Api.Housekeeping;

public sealed class RetentionFunction(RetentionSweeper sweeper)
{
    /// <summary>Deletes what D3Chat no longer needs and the old content of changed messages (docs/ops.md "Retention").</summary>
    [Function(nameof(Retention))]
    public Task Retention([TimerTrigger("%RetentionSchedule%")] TimerInfo timer, CancellationToken ct) =>
        sweeper.SweepAsync(ct);
}
