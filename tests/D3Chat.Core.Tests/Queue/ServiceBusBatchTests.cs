using Azure.Messaging.ServiceBus;
using D3Chat.Core.Queue;
using D3Chat.Core.Tests.Fakes;
using static D3Chat.Core.Tests.Queue.ChannelEventRounds;

namespace D3Chat.Core.Tests.Queue;

/// <summary>Issue 14: a round goes to the topic in as few batches as fit, each event still its own message.</summary>
[Collection(TelemetrySpans.Collection)]
public sealed class ServiceBusBatchTests
{
    private readonly FakeServiceBus _bus = new();

    [Fact]
    public async Task Publish_Round_IsOneBatchOfOneMessagePerEvent()
    {
        var round = Round(5);

        var failures = await Publisher().PublishAsync(round, default);

        Assert.Empty(failures);
        var batch = Assert.Single(_bus.Batches);
        Assert.Equal(round.Select(e => e.Id.ToString("D")), batch.Select(m => m.MessageId));
        Assert.Equal(round.Select(e => e.Id), batch.Select(m => ChannelEvent.TryParse(m.Body.ToString())!.Id));
    }

    [Fact]
    public async Task Publish_BatchFull_StartsTheNextWithTheEventThatDidNotFit()
    {
        _bus.MessagesPerBatch = 2;
        var round = Round(5);

        var failures = await Publisher().PublishAsync(round, default);

        Assert.Empty(failures);
        Assert.Equal([2, 2, 1], _bus.Batches.Select(b => b.Count));
        Assert.Equal(round.Select(e => e.Id.ToString("D")), _bus.Batches.SelectMany(b => b).Select(m => m.MessageId));
    }

    [Fact]
    public async Task Publish_OneBatchRefused_ReportsItsEventsOnlyAndStillSendsTheNext()
    {
        _bus.MessagesPerBatch = 2;
        _bus.SendsBeforeFailure = 1;
        var round = Round(4);

        var failures = await Publisher().PublishAsync(round, default);

        Assert.Equal([round[2].Id, round[3].Id], failures.Select(f => f.Event.Id));
        Assert.All(failures, f => Assert.IsType<ServiceBusException>(f.Error));
        Assert.Equal([round[0].Id.ToString("D"), round[1].Id.ToString("D")], _bus.Sent.Select(s => s.Message.MessageId));
    }

    [Fact]
    public async Task Publish_EventThatFitsNoBatch_FailsAloneAndTheRestIsSent()
    {
        _bus.MessagesPerBatch = 0;
        var round = Round(2);

        var failures = await Publisher().PublishAsync(round, default);

        Assert.Equal(round.Select(e => e.Id), failures.Select(f => f.Event.Id));
        Assert.Empty(_bus.Batches);
    }

    private ServiceBusChannelEventPublisher Publisher() => new(_bus.CreateSender("channel-events"));
}
