using D3Chat.Core.Channels;
using System.Text.Json;
using System.Text.Json.Serialization;
using D3Chat.Core.Auth;
using D3Chat.Core.Http;
using Microsoft.Extensions.Logging;

namespace D3Chat.Core.Realtime;

/// <summary>Body of <c>POST /api/v1/channels/{id}/typing</c> (departure 1).</summary>
public sealed record TypingRequest(string? State) : IValidatable
{
    public void Validate(Validator v)
    {
        if (v.Required("state", State) && State is not ("start" or "stop"))
        {
            v.Fail("state", "Input should be 'start' or 'stop'", "literal_error");
        }
    }
}

/// <summary>
/// Typing indicators (spec api.md §11.2/§11.5, as HTTP per departure 1): members only, sent straight
/// to the channel's SignalR group (the sender's own connections included, as in the reference).
/// Ephemeral: no outbox and no state; a delivery failure is logged and the call still succeeds.
/// </summary>
public sealed partial class TypingService(ChannelStore memberships, IRealtimeNotifier notifier, ILogger<TypingService> logger)
{
    public async Task<Outcome<bool>> SendAsync(CurrentUser caller, Guid channelId, TypingRequest request, CancellationToken ct)
    {
        if (!await memberships.IsMemberAsync(channelId, caller.Id, ct))
        {
            return Problem.NotChannelMember;
        }
        var typingEvent = JsonSerializer.SerializeToElement(
            new TypingEvent($"typing.{request.State}", caller.Id, channelId), TypingEventJson.Default.TypingEvent);
        try
        {
            await notifier.SendToGroupAsync(RealtimeGroups.Channel(channelId), [typingEvent], ct);
        }
        catch (RealtimeDeliveryException ex)
        {
            LogTypingDropped(channelId, ex);
        }
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Typing event for channel {ChannelId} was not delivered")]
    private partial void LogTypingDropped(Guid channelId, Exception exception);
}

/// <summary>The §11.3 typing event: <c>{type, user_id, channel_id}</c>.</summary>
internal sealed record TypingEvent(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("user_id")] Guid UserId,
    [property: JsonPropertyName("channel_id")] Guid ChannelId);

[JsonSerializable(typeof(TypingEvent))]
internal sealed partial class TypingEventJson : JsonSerializerContext;
