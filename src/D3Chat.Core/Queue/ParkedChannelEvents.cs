using Microsoft.Extensions.Logging;
using Npgsql;

namespace D3Chat.Core.Queue;

/// <summary>A queue's parked messages as admins see them: which consumer they belong to and what waits there.</summary>
public sealed record PoisonQueueView(string Queue, string PoisonQueue, int ApproximateCount, IReadOnlyList<PoisonMessageView> Messages);

/// <summary>One parked message: ids, times and the transport's reason (never the body, which is a channel event).</summary>
public sealed record PoisonMessageView(string Id, DateTimeOffset? InsertedAt, string? Reason);

/// <summary>What an admin's retry moved back.</summary>
public sealed record PoisonRedriveResult(int Requeued);

/// <summary>Who asks for a re-drive: the timer leaves alone what cannot succeed by itself, an admin moves everything.</summary>
public enum RedriveMode
{
    Automatic,
    Admin,
}

/// <summary>
/// Where a transport parks channel events whose consumer kept failing: the Storage queues' poison
/// queues or the Service Bus subscriptions' dead-letter queues.
/// </summary>
public interface IParkedEventQueues
{
    Task<IReadOnlyList<PoisonQueueView>> ListAsync(CancellationToken ct);

    /// <summary>Moves parked messages back to their consumers; returns how many moved.</summary>
    Task<int> RedriveAsync(RedriveMode mode, CancellationToken ct);
}

/// <summary>
/// Parked channel events, whatever the transport (issue 13): a consumer that failed its last
/// delivery attempt (typically because PostgreSQL was down for longer than its quick retries) parks
/// the message. Once PostgreSQL answers again the timer moves the parked messages back, and admins
/// can list and move them too. The consumers are idempotent by event id, so a message that had
/// half-succeeded adds nothing twice.
/// </summary>
public sealed partial class ParkedChannelEvents(IParkedEventQueues queues, NpgsqlDataSource dataSource, ILogger<ParkedChannelEvents> logger)
{
    /// <summary>Messages listed per queue.</summary>
    public const int ListLimit = 32;

    public Task<IReadOnlyList<PoisonQueueView>> ListAsync(CancellationToken ct) => queues.ListAsync(ct);

    /// <summary>The admin route: every parked message back to its consumer, whatever PostgreSQL's state.</summary>
    public async Task<PoisonRedriveResult> RetryAllAsync(CancellationToken ct) => new(await queues.RedriveAsync(RedriveMode.Admin, ct));

    /// <summary>
    /// The timer's step: re-drive only when the usual cause (PostgreSQL down) is gone, so a long
    /// outage does not cycle messages between a queue and its parking place every few seconds.
    /// </summary>
    public async Task<int> RedriveIfHealthyAsync(CancellationToken ct)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(ct);
        }
        catch (NpgsqlException ex)
        {
            LogPostgresDown(ex);
            return 0;
        }
        return await queues.RedriveAsync(RedriveMode.Automatic, ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL is unreachable; parked queue messages are re-driven once it is back")]
    private partial void LogPostgresDown(Exception exception);
}
