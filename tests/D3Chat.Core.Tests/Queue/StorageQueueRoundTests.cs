using System.Collections.Concurrent;
using D3Chat.Core.Fanout;
using D3Chat.Core.Queue;
using Microsoft.Extensions.Logging.Abstractions;
using static D3Chat.Core.Tests.Queue.ChannelEventRounds;

namespace D3Chat.Core.Tests.Queue;

/// <summary>Issue 14: a round travels as one Storage queue message per queue, and a failed event of a message is retried alone.</summary>
[Collection(TelemetrySpans.Collection)]
public sealed class StorageQueueRoundTests
{
    private static readonly QueueNames Names = new("fanout-q", "federation-q");
    private readonly RecordingSender _sender = new();

    [Fact]
    public async Task Publish_Round_IsOneMessagePerQueueAndLeavesChannelsWithoutRemoteMembersOffTheFederationQueue()
    {
        var federated = Round(3);
        var local = NewEvent(skipFederation: true);
        List<ChannelEvent> round = [federated[0], local, federated[1], federated[2]];

        var failures = await Publisher().PublishAsync(round, default);

        Assert.Empty(failures);
        var fanout = Assert.Single(_sender.Sent, s => s.Queue == Names.Fanout);
        var federation = Assert.Single(_sender.Sent, s => s.Queue == Names.Federation);
        Assert.Equal(round.Select(e => e.Id), IdsIn(fanout.Body));
        Assert.Equal(federated.Select(e => e.Id), IdsIn(federation.Body));
    }

    [Fact]
    public async Task Publish_RoundLargerThanOneMessage_SendsEveryEventOnceWithinTheLimit()
    {
        var round = Round(13, dataBytes: 10 * 1024);

        var failures = await Publisher().PublishAsync(round, default);

        Assert.Empty(failures);
        var fanout = _sender.Sent.Where(s => s.Queue == Names.Fanout).ToList();
        Assert.Equal(4, fanout.Count);
        Assert.Equal(round.Select(e => e.Id).Order(), fanout.SelectMany(s => IdsIn(s.Body)).Order());
    }

    [Fact]
    public async Task Publish_OneQueueRefuses_ReportsEveryEventOfItsMessageAndOnlyThose()
    {
        var federated = Round(2);
        var local = NewEvent(skipFederation: true);
        _sender.Refuse(Names.Federation);

        var failures = await Publisher().PublishAsync([federated[0], local, federated[1]], default);

        // The fanout queue took all three, but a federated event counts as sent only once both queues have it.
        Assert.Equal(federated.Select(e => e.Id).Order(), failures.Select(f => f.Event.Id).Order());
        Assert.All(failures, f => Assert.IsType<InvalidOperationException>(f.Error));
    }

    [Fact]
    public async Task Consume_SingleEventBody_RunsTheHandlerOnceAndLetsItsFailureThroughToTheQueueTrigger()
    {
        var body = NewEvent().ToJson();
        var handled = new ConcurrentBag<string>();

        await Assert.ThrowsAsync<InvalidOperationException>(() => Consumer().HandleAsync(Names.Fanout, body,
            (eventBody, _) => { handled.Add(eventBody); throw new InvalidOperationException("PostgreSQL down"); }, default));

        Assert.Equal([body], handled);
        Assert.Empty(_sender.Sent);
    }

    [Fact]
    public async Task Consume_ArrayBody_HandlesEveryEventOnceAndReenqueuesNothing()
    {
        var round = Round(5);
        var handled = new ConcurrentBag<Guid>();

        await Consumer().HandleAsync(Names.Fanout, Body(round), (eventBody, _) =>
        {
            handled.Add(ChannelEvent.TryParse(eventBody)!.Id);
            return Task.CompletedTask;
        }, default);

        Assert.Equal(round.Select(e => e.Id).Order(), handled.Order());
        Assert.Empty(_sender.Sent);
    }

    [Fact]
    public async Task Consume_ArrayWithFailingEvents_CompletesTheMessageAndReenqueuesEachFailedEventAloneOnItsQueue()
    {
        var round = Round(5);
        var bad = new HashSet<Guid> { round[1].Id, round[3].Id };
        var handled = new ConcurrentBag<Guid>();

        await Consumer().HandleAsync(Names.Federation, Body(round), (eventBody, _) =>
        {
            var id = ChannelEvent.TryParse(eventBody)!.Id;
            handled.Add(id);
            return bad.Contains(id) ? throw new InvalidChannelEventException("its outbox row is gone") : Task.CompletedTask;
        }, default);

        Assert.Equal(round.Select(e => e.Id).Order(), handled.Order());
        Assert.All(_sender.Sent, s => Assert.Equal(Names.Federation, s.Queue));
        // Each alone, as the single-event body: its retries and its poisoning concern it only.
        Assert.Equal(bad.Order(), _sender.Sent.Select(s => Assert.Single(IdsIn(s.Body))).Order());
        Assert.All(_sender.Sent, s => Assert.Equal(round.Single(e => e.Id == IdsIn(s.Body)[0]).ToJson(), s.Body));
    }

    [Fact]
    public async Task Consume_ReenqueueRefused_ThrowsSoTheWholeMessageIsRetried()
    {
        var round = Round(3);
        _sender.Refuse(Names.Fanout);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Consumer().HandleAsync(Names.Fanout, Body(round),
            (eventBody, _) => ChannelEvent.TryParse(eventBody)!.Id == round[0].Id ? throw new TimeoutException() : Task.CompletedTask, default));
    }

    [Fact]
    public async Task ConsumeTogether_ArrayBody_HandsAllEventsOverInOneCallAndNoneAlone()
    {
        var round = Round(4);
        var together = new List<IReadOnlyList<string>>();
        var alone = new ConcurrentBag<string>();

        await Consumer().HandleTogetherAsync(Names.Federation, Body(round),
            (bodies, _) => { together.Add(bodies); return Task.CompletedTask; },
            (eventBody, _) => { alone.Add(eventBody); return Task.CompletedTask; }, default);

        var call = Assert.Single(together);
        Assert.Equal(round.Select(e => e.Id), call.Select(b => ChannelEvent.TryParse(b)!.Id));
        Assert.Empty(alone);
        Assert.Empty(_sender.Sent);
    }

    [Fact]
    public async Task ConsumeTogether_TogetherFails_HandlesEachAloneAndReenqueuesOnlyTheFailingOne()
    {
        var round = Round(4);
        var alone = new ConcurrentBag<Guid>();

        await Consumer().HandleTogetherAsync(Names.Federation, Body(round),
            (_, _) => throw new InvalidChannelEventException("one event's outbox row is gone"),
            (eventBody, _) =>
            {
                var id = ChannelEvent.TryParse(eventBody)!.Id;
                alone.Add(id);
                return id == round[2].Id ? throw new InvalidChannelEventException("its outbox row is gone") : Task.CompletedTask;
            }, default);

        Assert.Equal(round.Select(e => e.Id).Order(), alone.Order());
        Assert.Equal([round[2].Id], _sender.Sent.Select(s => Assert.Single(IdsIn(s.Body))));
    }

    [Fact]
    public async Task ConsumeTogether_SingleEventBody_GoesToTheSingleHandlerAndItsFailureToTheQueueTrigger()
    {
        var body = NewEvent().ToJson();
        var togetherCalls = 0;

        await Assert.ThrowsAsync<TimeoutException>(() => Consumer().HandleTogetherAsync(Names.Federation, body,
            (_, _) => { togetherCalls++; return Task.CompletedTask; }, (_, _) => throw new TimeoutException(), default));

        Assert.Equal(0, togetherCalls);
        Assert.Empty(_sender.Sent);
    }

    [Fact]
    public async Task Consume_BodyThatIsNoEvent_IsInvalidWithoutRunningTheHandler()
    {
        var ran = false;

        await Assert.ThrowsAsync<InvalidChannelEventException>(() => Consumer().HandleAsync(Names.Fanout, "[]",
            (_, _) => { ran = true; return Task.CompletedTask; }, default));

        Assert.False(ran);
    }

    private StorageQueueChannelEventPublisher Publisher() => new(_sender, Names);

    private StorageQueueConsumer Consumer() => new(_sender, NullLogger<StorageQueueConsumer>.Instance);

    private static string Body(IReadOnlyList<ChannelEvent> round) =>
        Assert.Single(ChannelEventMessageBody.Pack(round, ChannelEventReferences.StorageQueueInlineBytes)).Body;

    /// <summary>Records what was sent to which queue; a refused queue throws, as an unreachable one would.</summary>
    private sealed class RecordingSender : IQueueMessageSender
    {
        private readonly HashSet<string> _refused = [];

        public ConcurrentQueue<(string Queue, string Body)> Sent { get; } = new();

        public void Refuse(string queueName) => _refused.Add(queueName);

        public Task SendAsync(string queueName, string body, CancellationToken ct)
        {
            if (_refused.Contains(queueName))
            {
                throw new InvalidOperationException($"{queueName} unavailable");
            }
            Sent.Enqueue((queueName, body));
            return Task.CompletedTask;
        }
    }
}
