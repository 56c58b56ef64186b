using D3Chat.Core.Queue;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Api.Housekeeping;

public sealed class PoisonRedriveFunction(PoisonQueues poisonQueues)
{
    /// <summary>Moves queue messages that exhausted their retries back to their queues once PostgreSQL answers (issue 13).</summary>
    [Function(nameof(PoisonRedrive))]
    public Task PoisonRedrive([TimerTrigger("%PoisonRedriveSchedule%")] TimerInfo timer, CancellationToken ct) =>
        poisonQueues.RedriveIfHealthyAsync(ct);
}
