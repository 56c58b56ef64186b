using Dapper;
using D3Chat.Core.Fanout;
using D3Chat.Core.Queue;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace D3Chat.Core.Federation;

/// <summary>
/// Consumes channel events for the federation relay. Events of channels without remote members
/// need no relay and complete at once. Posting to remote inboxes is not built yet: an event that
/// does need relaying is failed on purpose, so it lands in the poison queue and is kept rather than dropped.
/// </summary>
public sealed partial class RelayHandler(NpgsqlDataSource dataSource, ILogger<RelayHandler> logger)
{
    private const string RemoteDomainsSql = """
        SELECT DISTINCT u.server_domain
        FROM channel_members m JOIN users u ON u.id = m.user_id
        WHERE m.channel_id = @ChannelId AND u.is_local = false
        """;

    public async Task HandleAsync(string messageBody, CancellationToken ct)
    {
        var channelEvent = ChannelEvent.TryParse(messageBody)
            ?? throw new InvalidChannelEventException("The queue message is not a channel event.");
        if (channelEvent.ChannelId is not { } channelId)
        {
            return;
        }
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var domains = (await connection.QueryAsync<string>(new CommandDefinition(
            RemoteDomainsSql, new { ChannelId = channelId }, cancellationToken: ct))).ToList();
        if (domains.Count == 0)
        {
            return;
        }
        LogRelayUnavailable(channelEvent.Id, domains.Count);
        throw new InvalidOperationException("Federation relay is not available in this build; the event is kept in the poison queue.");
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Event {EventId} needs relaying to {DomainCount} peer(s), but the federation relay is not built yet")]
    private partial void LogRelayUnavailable(Guid eventId, int domainCount);
}
