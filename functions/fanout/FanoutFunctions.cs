using D3Chat.Core.Fanout;
using Microsoft.Azure.Functions.Worker;

namespace D3Chat.Functions.Fanout;

public sealed class FanoutFunctions(FanoutHandler handler)
{
    /// <summary>Delivers one channel event to SignalR. A throw retries it; after 5 dequeues it goes to the poison queue.</summary>
    [Function(nameof(FanoutChannelEvent))]
    public Task FanoutChannelEvent([QueueTrigger("%FanoutQueueName%")] string message, CancellationToken ct) =>
        handler.HandleAsync(message, ct);
}
