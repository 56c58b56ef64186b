namespace D3Chat.LocalHost.Functions;

/// <summary>
/// The queue messages a listener is running, so it can run them side by side as the Functions host
/// does: up to <c>batchSize</c> at once, fetching more when the count falls to <c>newBatchThreshold</c>
/// (batchSize / 2, the host's default). Used only from the listener's loop, so it needs no locking.
/// </summary>
internal sealed class InFlightWork(int limit)
{
    private readonly List<Task> _running = [];

    /// <summary>How many more items may start now.</summary>
    public int Room
    {
        get
        {
            _running.RemoveAll(t => t.IsCompleted);
            return limit - _running.Count;
        }
    }

    /// <summary>Starts <paramref name="work"/> without waiting for it; it must handle its own failures.</summary>
    public void Start(Func<Task> work) => _running.Add(Task.Run(work));

    /// <summary>Waits until at most <paramref name="count"/> items are still running.</summary>
    public async Task WaitUntilAtMostAsync(int count)
    {
        while (limit - Room > count)
        {
            await Task.WhenAny(_running);
        }
    }
}
