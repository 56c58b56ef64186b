using D3Chat.Core.Queue;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Api.Housekeeping;

public sealed class PoisonRedriveFunction(ParkedChannelEvents parked)
{
    /// <summary>Moves queue messages that exhausted their retries (poison or dead-letter queues) back to their consumers once PostgreSQL answers (issue 13).</summary>
    [Function(nameof(PoisonRedrive))]
    public Task PoisonRedrive([TimerTrigger("%PoisonRedriveSchedule%")] TimerInfo timer, CancellationToken ct) =>
        parked.RedriveIfHealthyAsync(ct);
}
