using Azure.Messaging.ServiceBus;
using D3Chat.Core.Queue;
using D3Chat.Core.Telemetry;
using D3Chat.Core.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace D3Chat.Core.Tests.Queue;

/// <summary>Issue 13 item 2 with the Service Bus transport: dead-lettered channel events are listed and re-driven.</summary>
public sealed class ServiceBusDeadLetterQueuesTests
{
    private const string Topic = "channel-events";
    private readonly FakeServiceBus _bus = new();
    private readonly ServiceBusDeadLetterQueues _queues;

    public ServiceBusDeadLetterQueuesTests() => _queues = new ServiceBusDeadLetterQueues(_bus, Topic, NullLogger<ServiceBusDeadLetterQueues>.Instance);

    [Fact]
    public async Task List_ShowsEachSubscriptionsDeadLettersWithReasonAndWithoutBodies()
    {
        var eventId = Guid.NewGuid().ToString("D");
        _bus.DeadLetter(ServiceBusSubscriptions.Federation, eventId, ChannelEventSettlement.FailedReason);

        var views = await _queues.ListAsync(default);

        Assert.Equal([ServiceBusSubscriptions.Fanout, ServiceBusSubscriptions.Federation], views.Select(v => v.Queue));
        Assert.Equal(0, views[0].ApproximateCount);
        var federation = views[1];
        Assert.Equal($"{Topic}/Subscriptions/federation/$deadletterqueue", federation.PoisonQueue);
        Assert.Equal(1, federation.ApproximateCount);
        var message = Assert.Single(federation.Messages);
        Assert.Equal((eventId, ChannelEventSettlement.FailedReason), (message.Id, message.Reason));
        Assert.Single(_bus.DeadLetters[ServiceBusSubscriptions.Federation]);
    }

    [Fact]
    public async Task List_CountsBeyondTheListedMessages()
    {
        for (var i = 0; i < ParkedChannelEvents.ListLimit + 8; i++)
        {
            _bus.DeadLetter(ServiceBusSubscriptions.Fanout, Guid.NewGuid().ToString("D"), ChannelEventSettlement.FailedReason);
        }

        var fanout = (await _queues.ListAsync(default))[0];

        Assert.Equal(ParkedChannelEvents.ListLimit + 8, fanout.ApproximateCount);
        Assert.Equal(ParkedChannelEvents.ListLimit, fanout.Messages.Count);
    }

    [Fact]
    public async Task Redrive_SendsACopyToTheTopicThenCompletesTheDeadLetter()
    {
        var eventId = Guid.NewGuid().ToString("D");
        var parked = _bus.DeadLetter(ServiceBusSubscriptions.Fanout, eventId, ChannelEventSettlement.FailedReason, body: """{"id":"x"}""");

        var moved = await _queues.RedriveAsync(RedriveMode.Automatic, default);

        Assert.Equal(1, moved);
        Assert.Empty(_bus.DeadLetters[ServiceBusSubscriptions.Fanout]);
        var (topic, copy) = Assert.Single(_bus.Sent);
        Assert.Equal(Topic, topic);
        Assert.Equal(parked.Body.ToString(), copy.Body.ToString());
        Assert.Equal(("message.new", "application/json"), (copy.Subject, copy.ContentType));
        Assert.Equal($"{eventId}.r1", copy.MessageId);
        Assert.Equal(1, copy.ApplicationProperties[ServiceBusDeadLetterQueues.RedrivesProperty]);
    }

    [Fact]
    public async Task Redrive_AnEventRedrivenBefore_CountsOnAndKeepsTheEventIdAsTheMessageIdsStem()
    {
        var eventId = Guid.NewGuid().ToString("D");
        _bus.DeadLetter(ServiceBusSubscriptions.Federation, $"{eventId}.r1", ChannelEventSettlement.FailedReason, redrives: 1);

        await _queues.RedriveAsync(RedriveMode.Automatic, default);

        var copy = Assert.Single(_bus.Sent).Message;
        Assert.Equal($"{eventId}.r2", copy.MessageId);
        Assert.Equal(2, copy.ApplicationProperties[ServiceBusDeadLetterQueues.RedrivesProperty]);
    }

    [Fact]
    public void CopyForRedrive_KeepsTheTraceParent()
    {
        var parked = ServiceBusModelFactory.ServiceBusReceivedMessage(BinaryData.FromString("{}"), messageId: Guid.NewGuid().ToString("D"),
            properties: new Dictionary<string, object> { [D3ChatTelemetry.TraceParentProperty] = "00-abc-def-01" });

        var copy = ServiceBusDeadLetterQueues.CopyForRedrive(parked);

        Assert.Equal("00-abc-def-01", copy.ApplicationProperties[D3ChatTelemetry.TraceParentProperty]);
    }

    [Fact]
    public async Task AutomaticRedrive_LeavesInvalidEventsAndRepeatFailuresForAnAdmin()
    {
        var outage = _bus.DeadLetter(ServiceBusSubscriptions.Fanout, Guid.NewGuid().ToString("D"), ChannelEventSettlement.FailedReason, redrives: 2);
        var invalid = _bus.DeadLetter(ServiceBusSubscriptions.Fanout, Guid.NewGuid().ToString("D"), ChannelEventSettlement.InvalidReason);
        var repeated = _bus.DeadLetter(ServiceBusSubscriptions.Fanout, Guid.NewGuid().ToString("D"), ChannelEventSettlement.FailedReason,
            redrives: ServiceBusDeadLetterQueues.MaxAutomaticRedrives);

        var moved = await _queues.RedriveAsync(RedriveMode.Automatic, default);

        Assert.Equal(1, moved);
        Assert.Equal($"{outage.MessageId}.r3", Assert.Single(_bus.Sent).Message.MessageId);
        Assert.Equal([invalid, repeated], _bus.DeadLetters[ServiceBusSubscriptions.Fanout]);
    }

    [Fact]
    public async Task AdminRedrive_MovesEverything()
    {
        _bus.DeadLetter(ServiceBusSubscriptions.Fanout, Guid.NewGuid().ToString("D"), ChannelEventSettlement.InvalidReason);
        _bus.DeadLetter(ServiceBusSubscriptions.Federation, Guid.NewGuid().ToString("D"), ChannelEventSettlement.FailedReason,
            redrives: ServiceBusDeadLetterQueues.MaxAutomaticRedrives);

        var moved = await _queues.RedriveAsync(RedriveMode.Admin, default);

        Assert.Equal(2, moved);
        Assert.Equal(2, _bus.Sent.Count);
        Assert.All(_bus.DeadLetters.Values, Assert.Empty);
    }

    [Fact]
    public async Task Redrive_SendFails_TheDeadLetterStaysAndTheErrorSurfaces()
    {
        var first = _bus.DeadLetter(ServiceBusSubscriptions.Fanout, Guid.NewGuid().ToString("D"), ChannelEventSettlement.FailedReason);
        var second = _bus.DeadLetter(ServiceBusSubscriptions.Fanout, Guid.NewGuid().ToString("D"), ChannelEventSettlement.FailedReason);
        _bus.SendsBeforeFailure = 1;

        var error = await Assert.ThrowsAsync<ServiceBusException>(() => _queues.RedriveAsync(RedriveMode.Admin, default));

        Assert.Equal(ServiceBusFailureReason.ServiceCommunicationProblem, error.Reason);
        Assert.Equal(first.MessageId + ".r1", Assert.Single(_bus.Sent).Message.MessageId);
        Assert.Equal([second], _bus.DeadLetters[ServiceBusSubscriptions.Fanout]);
    }
}
