using System.Collections.Concurrent;
using System.Collections.Immutable;
using D3Chat.Core.Queue;

namespace D3Chat.LocalHost.Functions;

/// <summary>
/// Wakes this process's queue listeners when this process sends to their queue (the publisher tells
/// it through <see cref="IQueueSendObserver"/>), so an event is received as soon as it is sent instead
/// of at the listener's next poll, which after empty polls can be up to a second away. Messages sent by
/// other processes (another LocalHost, a re-drive from a poison queue) are still found by polling.
/// </summary>
internal sealed class QueueWakeups : IQueueSendObserver
{
    // Queue names are lowercase in Storage; compare them the way the service does.
    private readonly ConcurrentDictionary<string, ImmutableArray<QueueWakeup>> _listeners = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A wake-up for one listener of <paramref name="queueName"/>, set by every send to that queue from now on.</summary>
    public QueueWakeup Register(string queueName)
    {
        var wakeup = new QueueWakeup();
        _listeners.AddOrUpdate(queueName, [wakeup], (_, existing) => existing.Add(wakeup));
        return wakeup;
    }

    public void Sent(string queueName)
    {
        if (_listeners.TryGetValue(queueName, out var wakeups))
        {
            foreach (var wakeup in wakeups)
            {
                wakeup.Set();
            }
        }
    }
}

/// <summary>
/// One listener's wake-up. A send that happens while the listener is busy polling is kept (not lost) and
/// ends the listener's next wait at once; any number of sends before that wait end it only once.
/// </summary>
internal sealed class QueueWakeup
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Set()
    {
        if (_signal.CurrentCount > 0)
        {
            return;
        }
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Another send set it between the check and the release: it is set, which is all we want.
        }
    }

    /// <summary>Waits until the wake-up is set (true, and clears it) or <paramref name="timeout"/> passes (false).</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}
