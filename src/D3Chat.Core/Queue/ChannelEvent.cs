using System.Text.Json;
using System.Text.Json.Serialization;

namespace D3Chat.Core.Queue;

/// <summary>
/// One unit of work on the channel-events queue. <see cref="Data"/> is exactly the realtime event
/// object clients receive (spec api.md §11.3), so fanout forwards it untouched. Delivery is
/// at-least-once: <see cref="Id"/> is the Service Bus MessageId and every consumer's dedup key.
/// </summary>
public sealed record ChannelEvent
{
    [JsonPropertyName("id")]
    public required Guid Id { get; init; }

    /// <summary>The realtime event type, e.g. <c>message.new</c>.</summary>
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    /// <summary>Set for events addressed to a channel's members (SignalR group <c>channel:{id}</c>).</summary>
    [JsonPropertyName("channel_id")]
    public Guid? ChannelId { get; init; }

    /// <summary>Set for events addressed to individual users instead of (or as well as) a channel.</summary>
    [JsonPropertyName("user_ids")]
    public IReadOnlyList<Guid>? UserIds { get; init; }

    /// <summary>
    /// Routing information for fanout, never sent to clients: users to add to or remove from the
    /// SignalR group <c>channel:{Membership.ChannelId}</c>. Fanout applies it before delivering
    /// <see cref="Data"/>, so a user added to a channel receives the channel's next event and a user
    /// who left receives nothing more. Set on channel creation, DM creation, join, leave, member
    /// add and channel delete (for a delete, every former member is in <c>Left</c>), and, without a
    /// channel, on a ban or account deletion (the user leaves every group).
    /// </summary>
    [JsonPropertyName("membership")]
    public MembershipChange? Membership { get; init; }

    [JsonPropertyName("occurred_at")]
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>
    /// The realtime event object; JSON <c>null</c> for a pure membership change that delivers nothing
    /// (e.g. the creator joining the group of a channel they just created).
    /// </summary>
    [JsonPropertyName("data")]
    public required JsonElement Data { get; init; }

    /// <summary>
    /// True on a reference envelope: the event was too large for its transport, so the message
    /// carries only id, type, channel and time, and consumers load the whole event from the
    /// <c>outbox</c> row with this id (<see cref="ChannelEventReferences"/>).
    /// </summary>
    [JsonPropertyName("by_reference")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool ByReference { get; init; }

    /// <summary>
    /// Set by the sender when the channel had no remote member at commit time: a transport with one
    /// queue per consumer then leaves the federation queue out (issue 14: the relay only found no peer
    /// there). Not serialized, so an outbox sweep republishes to every consumer, which stays correct.
    /// </summary>
    [JsonIgnore]
    public bool SkipFederation { get; init; }

    /// <summary>The envelope that stands for this event on a queue when the event itself is too large.</summary>
    public ChannelEvent ToReference() => new()
    {
        Id = Id,
        Type = Type,
        ChannelId = ChannelId,
        OccurredAt = OccurredAt,
        Data = NoData,
        ByReference = true,
    };

    /// <summary>The <see cref="Data"/> of an event that only changes group membership.</summary>
    public static JsonElement NoData { get; } = JsonDocument.Parse("null").RootElement.Clone();

    /// <summary>True when <see cref="Data"/> is an event to deliver (not null or absent).</summary>
    [JsonIgnore]
    public bool HasData => Data.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);

    public string ToJson() => JsonSerializer.Serialize(this, ChannelEventJson.Default.ChannelEvent);

    /// <summary>Parses a queue message body; returns null when it is not a valid channel event.</summary>
    public static ChannelEvent? TryParse(string body)
    {
        try
        {
            var parsed = JsonSerializer.Deserialize(body, ChannelEventJson.Default.ChannelEvent);
            return parsed is { Id: var id, Type.Length: > 0 } && id != Guid.Empty ? parsed : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>SignalR group changes carried by a <see cref="ChannelEvent"/> (see <see cref="ChannelEvent.Membership"/>).</summary>
public sealed record MembershipChange
{
    /// <summary>The channel whose group changes; null means "every group" (only <see cref="Left"/> applies).</summary>
    [JsonPropertyName("channel_id")]
    public required Guid? ChannelId { get; init; }

    /// <summary>Users who became members: add each to the channel's group.</summary>
    [JsonPropertyName("joined")]
    public IReadOnlyList<Guid> Joined { get; init; } = [];

    /// <summary>Users who stopped being members: remove each from the channel's group.</summary>
    [JsonPropertyName("left")]
    public IReadOnlyList<Guid> Left { get; init; } = [];
}

[JsonSerializable(typeof(ChannelEvent))]
internal sealed partial class ChannelEventJson : JsonSerializerContext;
