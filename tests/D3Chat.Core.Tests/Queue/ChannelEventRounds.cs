using System.Text.Json;
using D3Chat.Core.Queue;

namespace D3Chat.Core.Tests.Queue;

/// <summary>Channel events for the tests of publishing rounds and the message bodies they travel in.</summary>
internal static class ChannelEventRounds
{
    /// <summary>A message.new event whose data is padded to about <paramref name="dataBytes"/> bytes.</summary>
    public static ChannelEvent NewEvent(int dataBytes = 16, bool skipFederation = false) => new()
    {
        Id = Guid.NewGuid(),
        Type = "message.new",
        ChannelId = Guid.NewGuid(),
        OccurredAt = DateTimeOffset.UnixEpoch,
        Data = JsonDocument.Parse(JsonSerializer.Serialize(new { type = "message.new", padding = new string('x', dataBytes) })).RootElement,
        SkipFederation = skipFederation,
    };

    public static List<ChannelEvent> Round(int count, int dataBytes = 16) => [.. Enumerable.Range(0, count).Select(_ => NewEvent(dataBytes))];

    /// <summary>The event ids of a message body, in order.</summary>
    public static Guid[] IdsIn(string body) =>
        [.. ChannelEventMessageBody.Split(body).Select(e => ChannelEvent.TryParse(e)!.Id)];
}

/// <summary>
/// Tests that start spans of the D3Chat activity source run one after another: <see cref="TelemetryTests"/>
/// listens to the whole source and would record the publishers' spans of tests running beside it.
/// </summary>
[CollectionDefinition(Collection)]
public sealed class TelemetrySpans
{
    public const string Collection = "D3Chat telemetry spans";
}
