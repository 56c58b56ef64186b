using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using D3Chat.Core.Queue;
using D3Chat.Core.Telemetry;

namespace D3Chat.Core.Tests.Queue;

/// <summary>One trace from the API through the queue to the consumers, carrying the event id, and the queue metrics.</summary>
[Collection(TelemetrySpans.Collection)]
public sealed class TelemetryTests : IDisposable
{
    private readonly List<Activity> _activities = [];
    private readonly ActivityListener _listener;

    public TelemetryTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == D3ChatTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _activities.Add,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public void PublishedMessage_CarriesTheTraceParent_AndTheConsumerContinuesThatTrace()
    {
        var channelEvent = new ChannelEvent { Id = Guid.NewGuid(), Type = "message.created", OccurredAt = DateTimeOffset.UnixEpoch, Data = ChannelEvent.NoData };

        string? traceParent;
        string traceId;
        using (var publish = D3ChatTelemetry.StartPublish(channelEvent.Id, channelEvent.Type)!)
        {
            var message = ServiceBusChannelEventPublisher.ToMessage(channelEvent, publish.Id);
            traceParent = message.ApplicationProperties[D3ChatTelemetry.TraceParentProperty] as string;
            traceId = publish.TraceId.ToString();
        }
        using (var process = D3ChatTelemetry.StartProcess("fanout", traceParent, channelEvent.Id.ToString("D"))!)
        {
            Assert.Equal(traceId, process.TraceId.ToString());
            Assert.Equal(ActivityKind.Consumer, process.Kind);
        }

        Assert.All(_activities, a => Assert.Equal(channelEvent.Id.ToString("D"), a.GetTagItem(D3ChatTelemetry.EventIdTag)));
        Assert.Equal(2, _activities.Count);
    }

    [Fact]
    public void MessageWithoutTraceParent_StartsANewTrace()
    {
        using var process = D3ChatTelemetry.StartProcess("federation", null, "id")!;

        Assert.Equal(default, process.ParentSpanId);
    }

    [Fact]
    public async Task Settlement_DeadLetter_CountsOneDeadLetterForThatConsumer()
    {
        var measurements = new List<(string Instrument, long Value, string? Source)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == D3ChatTelemetry.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? source = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "d3chat.dead_letter.source")
                {
                    source = tag.Value as string;
                }
            }
            measurements.Add((instrument.Name, value, source));
        });
        meters.Start();

        var result = await ChannelEventSettlement.ProcessAsync(new NoSettlement(), "{}", 5, 5, (_, _) => throw new InvalidOperationException("x"), default);
        D3ChatTelemetry.Record("fanout-test", "ServiceBus", result);

        Assert.Equal(Settlement.DeadLettered, result);
        Assert.Contains(("d3chat.dead_letters", 1L, "fanout-test"), measurements);
    }

    private sealed class NoSettlement : IMessageSettlement
    {
        public Task CompleteAsync(CancellationToken ct) => Task.CompletedTask;

        public Task AbandonAsync(CancellationToken ct) => Task.CompletedTask;

        public Task DeadLetterAsync(string reason, string description, CancellationToken ct) => Task.CompletedTask;
    }
}
