using System.Collections.Concurrent;
using System.Text.Json;
using D3Chat.Core.Outbox;
using D3Chat.Core.Queue;
using Microsoft.Extensions.Logging.Abstractions;

namespace D3Chat.Core.Tests.Outbox;

/// <summary>Committed events are published after the request answered, in rounds; the outbox sweep covers whatever this loop does not.</summary>
public sealed class BackgroundOutboxPublisherTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public void TryEnqueue_BeforeStart_IsRefusedSoTheCallerPublishesInline()
    {
        var publisher = new BackgroundOutboxPublisher(new RecordingUnits().PublishAsync, NullLogger<BackgroundOutboxPublisher>.Instance);

        Assert.False(publisher.TryEnqueue([NewEvent()]));
    }

    [Fact]
    public async Task TryEnqueue_WhileARoundIsInFlight_TheNextRoundPublishesEverythingHandedOverMeanwhile()
    {
        var units = new RecordingUnits();
        var firstRound = units.HoldNextRound();
        using var publisher = new BackgroundOutboxPublisher(units.PublishAsync, NullLogger<BackgroundOutboxPublisher>.Instance);
        await publisher.StartAsync(CancellationToken.None);
        var first = NewEvent();
        var second = NewEvent();
        var third = NewEvent();
        var fourth = NewEvent();

        Assert.True(publisher.TryEnqueue([first]));
        await units.RoundStarted(1).WaitAsync(Patience);
        Assert.True(publisher.TryEnqueue([second, third]));
        Assert.True(publisher.TryEnqueue([fourth]));
        firstRound.SetResult();
        await units.RoundStarted(2).WaitAsync(Patience);

        var rounds = units.Rounds.ToArray();
        Assert.Equal([[first.Id]], rounds[0]);
        // Two units in one round, each keeping its events in order.
        Assert.Equal([[second.Id, third.Id], [fourth.Id]], rounds[1]);
        await publisher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ExecuteAsync_ARoundThrows_TheLoopGoesOnWithTheNextUnits()
    {
        var units = new RecordingUnits { ThrowOnRound = 1 };
        using var publisher = new BackgroundOutboxPublisher(units.PublishAsync, NullLogger<BackgroundOutboxPublisher>.Instance);
        await publisher.StartAsync(CancellationToken.None);
        var lost = NewEvent();
        var next = NewEvent();

        Assert.True(publisher.TryEnqueue([lost]));
        await units.RoundStarted(1).WaitAsync(Patience);
        Assert.True(publisher.TryEnqueue([next]));
        await units.RoundStarted(2).WaitAsync(Patience);

        Assert.Equal([[next.Id]], units.Rounds.ToArray()[1]);
        await publisher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task TryEnqueue_WhenTheQueueFallsBehind_RefusesPastTheLimitSoRequestsPublishInline()
    {
        var units = new RecordingUnits();
        var firstRound = units.HoldNextRound();
        using var publisher = new BackgroundOutboxPublisher(units.PublishAsync, NullLogger<BackgroundOutboxPublisher>.Instance);
        await publisher.StartAsync(CancellationToken.None);
        Assert.True(publisher.TryEnqueue([NewEvent()]));
        await units.RoundStarted(1).WaitAsync(Patience);

        var accepted = Enumerable.Range(0, BackgroundOutboxPublisher.MaxWaitingUnits).Count(_ => publisher.TryEnqueue([NewEvent()]));

        Assert.Equal(BackgroundOutboxPublisher.MaxWaitingUnits, accepted);
        Assert.False(publisher.TryEnqueue([NewEvent()]));
        firstRound.SetResult();
        await publisher.StopAsync(CancellationToken.None);
        Assert.Equal(1 + BackgroundOutboxPublisher.MaxWaitingUnits, units.Rounds.Sum(round => round.Length));
    }

    [Fact]
    public async Task StopAsync_PublishesWhatWasHandedOverAndRefusesLaterUnits()
    {
        var units = new RecordingUnits();
        var firstRound = units.HoldNextRound();
        using var publisher = new BackgroundOutboxPublisher(units.PublishAsync, NullLogger<BackgroundOutboxPublisher>.Instance);
        await publisher.StartAsync(CancellationToken.None);
        var first = NewEvent();
        var queued = NewEvent();
        Assert.True(publisher.TryEnqueue([first]));
        await units.RoundStarted(1).WaitAsync(Patience);
        Assert.True(publisher.TryEnqueue([queued]));

        var stopping = publisher.StopAsync(CancellationToken.None);
        Assert.False(publisher.TryEnqueue([NewEvent()]));
        firstRound.SetResult();
        await stopping.WaitAsync(Patience);

        Assert.Equal([[[first.Id]], [[queued.Id]]], units.Rounds.ToArray());
    }

    private static ChannelEvent NewEvent() => new()
    {
        Id = Guid.NewGuid(),
        Type = "test.event",
        OccurredAt = DateTimeOffset.UnixEpoch,
        Data = JsonDocument.Parse("""{"type":"test.event"}""").RootElement,
    };

    /// <summary>Records each round's units (as event ids); a round can be held open, or made to throw.</summary>
    private sealed class RecordingUnits
    {
        private readonly ConcurrentQueue<TaskCompletionSource> _holds = new();
        private readonly ConcurrentDictionary<int, TaskCompletionSource> _started = new();

        public ConcurrentQueue<Guid[][]> Rounds { get; } = new();

        public int ThrowOnRound { get; init; }

        public TaskCompletionSource HoldNextRound()
        {
            var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _holds.Enqueue(hold);
            return hold;
        }

        public Task RoundStarted(int round) => Started(round).Task;

        public async Task<int> PublishAsync(IReadOnlyCollection<IReadOnlyList<ChannelEvent>> units, CancellationToken ct)
        {
            Rounds.Enqueue([.. units.Select(u => u.Select(e => e.Id).ToArray())]);
            var round = Rounds.Count;
            Started(round).TrySetResult();
            if (_holds.TryDequeue(out var hold))
            {
                await hold.Task;
            }
            if (round == ThrowOnRound)
            {
                throw new InvalidOperationException("queue down");
            }
            return units.Sum(u => u.Count);
        }

        private TaskCompletionSource Started(int round) =>
            _started.GetOrAdd(round, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }
}
