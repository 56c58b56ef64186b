namespace D3Chat.Core.Queue;

/// <summary>Consumer settings of the Service Bus transport (section <c>Queue</c>, like <see cref="Hosting.QueueOptions"/>).</summary>
internal sealed class ServiceBusConsumerOptions
{
    /// <summary>Deliveries before a failing message is dead-lettered (the Storage queues' maxDequeueCount is 5 too).</summary>
    public int MaxDeliveryCount { get; set; } = 5;

    /// <summary>Messages handled at once per subscription.</summary>
    public int MaxConcurrentCalls { get; set; } = 8;
}

/// <summary>The topic's subscriptions, one per consumer.</summary>
public static class ServiceBusSubscriptions
{
    public const string Fanout = "fanout";
    public const string Federation = "federation";

    public static IReadOnlyList<string> All { get; } = [Fanout, Federation];
}
