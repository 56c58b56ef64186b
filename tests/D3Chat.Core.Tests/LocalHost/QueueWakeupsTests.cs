using D3Chat.LocalHost.Functions;

namespace D3Chat.Core.Tests.LocalHost;

/// <summary>A send from this process wakes the LocalHost's listeners of that queue instead of leaving the event to the next poll.</summary>
public sealed class QueueWakeupsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Sent_WhileTheListenerWaits_EndsTheWaitAsWoken()
    {
        var wakeups = new QueueWakeups();
        var wakeup = wakeups.Register("channel-events-fanout");

        var waiting = wakeup.WaitAsync(Timeout.InfiniteTimeSpan, CancellationToken.None);
        wakeups.Sent("channel-events-fanout");

        Assert.True(await waiting.WaitAsync(Patience));
    }

    [Fact]
    public async Task Sent_WhileTheListenerPolls_IsKeptForItsNextWait()
    {
        var wakeups = new QueueWakeups();
        var wakeup = wakeups.Register("channel-events-fanout");

        wakeups.Sent("channel-events-fanout");

        Assert.True(await wakeup.WaitAsync(TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task Sent_ManyTimesBeforeAWait_WakesOnce()
    {
        var wakeups = new QueueWakeups();
        var wakeup = wakeups.Register("channel-events-fanout");

        for (var i = 0; i < 5; i++)
        {
            wakeups.Sent("channel-events-fanout");
        }

        Assert.True(await wakeup.WaitAsync(TimeSpan.Zero, CancellationToken.None));
        Assert.False(await wakeup.WaitAsync(TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task Sent_ToAnotherQueue_DoesNotWake()
    {
        var wakeups = new QueueWakeups();
        var fanout = wakeups.Register("channel-events-fanout");

        wakeups.Sent("channel-events-federation");
        wakeups.Sent("queue-nobody-listens-to");

        Assert.False(await fanout.WaitAsync(TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task Sent_TwoListenersOfOneQueue_WakesBoth()
    {
        var wakeups = new QueueWakeups();
        var first = wakeups.Register("channel-events-fanout");
        var second = wakeups.Register("channel-events-fanout");

        // Storage queue names are lowercase; a differently cased name is the same queue.
        wakeups.Sent("Channel-Events-Fanout");

        Assert.True(await first.WaitAsync(TimeSpan.Zero, CancellationToken.None));
        Assert.True(await second.WaitAsync(TimeSpan.Zero, CancellationToken.None));
    }
}
