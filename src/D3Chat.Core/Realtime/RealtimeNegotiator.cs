using D3Chat.Core.Channels;
using System.Text.Json.Serialization;
using D3Chat.Core.Auth;
using D3Chat.Core.Http;
using Microsoft.Extensions.Logging;

namespace D3Chat.Core.Realtime;

/// <summary>
/// The negotiate answer in the shape SignalR clients follow as a redirect: connect to
/// <see cref="Url"/> with <see cref="AccessToken"/>. Names are camelCase because the SignalR
/// clients read exactly these.
/// </summary>
public sealed record NegotiateResponse(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("accessToken")] string AccessToken);

/// <summary>
/// Issues SignalR client connection info for the authenticated caller (departure 1). The user id
/// in the token is always the caller's. Before answering it puts the caller in the group of every
/// channel they belong to, so users whose memberships predate realtime (or whose membership event
/// is still queued) receive channel events from the first connect.
/// </summary>
public sealed partial class RealtimeNegotiator(
    SignalRConnection connection,
    IRealtimeNotifier notifier,
    ChannelStore memberships,
    PresenceService presence,
    TimeProvider time,
    ILogger<RealtimeNegotiator> logger)
{
    /// <summary>Group calls in flight at once during the initial sync.</summary>
    private const int SyncParallelism = 8;

    public async Task<Outcome<NegotiateResponse>> NegotiateAsync(CurrentUser caller, CancellationToken ct)
    {
        if (connection.Endpoint is not { } endpoint)
        {
            return Problem.RealtimeNotConfigured;
        }
        var channelIds = await memberships.ChannelIdsOfUserAsync(caller.Id, ct);
        try
        {
            await Parallel.ForEachAsync(channelIds, new ParallelOptions { MaxDegreeOfParallelism = SyncParallelism, CancellationToken = ct },
                async (channelId, token) => await notifier.AddUserToGroupAsync(caller.Id, RealtimeGroups.Channel(channelId), token));
        }
        catch (RealtimeDeliveryException ex)
        {
            LogSyncFailed(caller.Id, ex);
            return Problem.RealtimeUnavailable;
        }
        await presence.SetAsync(caller.Id, PresenceService.Online, ct);
        var url = endpoint.ClientUrl(connection.Hub);
        var authorizer = connection.Authorizer ?? new AccessKeySignalRAuthorizer(new SignalRTokens(endpoint, time), time);
        try
        {
            return new NegotiateResponse(url, await authorizer.ClientTokenAsync(url, caller.Id, ct));
        }
        catch (Exception ex) when (ex is RealtimeDeliveryException or HttpRequestException or Azure.Identity.AuthenticationFailedException)
        {
            LogSyncFailed(caller.Id, ex);
            return Problem.RealtimeUnavailable;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Negotiate for user {UserId} failed: SignalR group sync did not complete")]
    private partial void LogSyncFailed(Guid userId, Exception exception);
}
