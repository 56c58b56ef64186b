using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace D3Chat.Core.Telemetry;

/// <summary>
/// D3Chat's own traces and metrics (OpenTelemetry through System.Diagnostics). Without a listener
/// (offline, tests) every call here is a no-op; in Azure the function apps export them to
/// Application Insights (functions/Shared/FunctionsTelemetry.cs). Tags carry ids and types only,
/// never message content.
/// </summary>
public static class D3ChatTelemetry
{
    public const string Name = "D3Chat";

    /// <summary>Tag with the channel event id on every span of its journey: publish, fanout, relay.</summary>
    public const string EventIdTag = "d3chat.event_id";

    public const string EventTypeTag = "d3chat.event_type";

    /// <summary>The trace-context property carried by each queue message (W3C traceparent).</summary>
    public const string TraceParentProperty = "traceparent";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Channel events accepted by the queue; its rate is messages per second into the system.</summary>
    public static readonly Counter<long> EventsPublished = Meter.CreateCounter<long>("d3chat.channel_events.published", "{event}",
        "Channel events published to the queue (rate = messages per second).");

    /// <summary>Channel events a consumer finished (tag d3chat.consumer: fanout or federation).</summary>
    public static readonly Counter<long> EventsProcessed = Meter.CreateCounter<long>("d3chat.channel_events.processed", "{event}",
        "Channel events handled by a consumer (rate = messages per second out of the queue).");

    /// <summary>Messages or relay deliveries given up on (tag d3chat.dead_letter.source: queue subscription, or relay).</summary>
    public static readonly Counter<long> DeadLetters = Meter.CreateCounter<long>("d3chat.dead_letters", "{message}",
        "Channel events dead-lettered by a consumer, and federation deliveries dead-lettered by the relay.");

    /// <summary>Counts one settled message of a consumer: processed, and dead-lettered when it was.</summary>
    public static void Record(string consumer, string transport, Queue.Settlement result)
    {
        var consumerTag = new KeyValuePair<string, object?>("d3chat.consumer", consumer);
        if (result == Queue.Settlement.Completed)
        {
            EventsProcessed.Add(1, consumerTag, new KeyValuePair<string, object?>("d3chat.transport", transport));
        }
        else if (result == Queue.Settlement.DeadLettered)
        {
            DeadLetters.Add(1, new KeyValuePair<string, object?>("d3chat.dead_letter.source", consumer), new KeyValuePair<string, object?>("d3chat.transport", transport));
        }
    }

    private static long LastRelayBacklog;

    /// <summary>Outbound federation deliveries waiting (not delivered, not dead), as last counted by the relay timer.</summary>
    public static readonly ObservableGauge<long> RelayBacklog = Meter.CreateObservableGauge("d3chat.relay.backlog",
        () => Volatile.Read(ref LastRelayBacklog), "{delivery}", "Federation deliveries waiting to be sent.");

    public static void RecordRelayBacklog(long pending) => Volatile.Write(ref LastRelayBacklog, pending);

    /// <summary>The producer span of one published event; its id travels with the message as traceparent.</summary>
    public static Activity? StartPublish(Guid eventId, string eventType)
    {
        var activity = Source.StartActivity("channel_event publish", ActivityKind.Producer);
        activity?.SetTag(EventIdTag, eventId.ToString("D"));
        activity?.SetTag(EventTypeTag, eventType);
        return activity;
    }

    /// <summary>The producer span of one Storage queue message holding a round's events for one queue.</summary>
    public static Activity? StartPublishMessage(string queue, int events)
    {
        var activity = Source.StartActivity("channel_event publish", ActivityKind.Producer);
        activity?.SetTag("d3chat.queue", queue);
        activity?.SetTag("d3chat.event_count", events);
        return activity;
    }

    /// <summary>The consumer span of one received event, continuing the publisher's trace when the message carries one.</summary>
    public static Activity? StartProcess(string consumer, string? traceParent, string? messageId)
    {
        ActivityContext.TryParse(traceParent, null, out var parent);
        var activity = Source.StartActivity($"channel_event process {consumer}", ActivityKind.Consumer, parent);
        activity?.SetTag("d3chat.consumer", consumer);
        if (messageId is not null)
        {
            activity?.SetTag(EventIdTag, messageId);
        }
        return activity;
    }
}
