using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using D3Chat.Core.Hosting;
using D3Chat.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace D3Chat.Core.Queue;

/// <summary>A poison queue as admins see it: which consumer it belongs to and what waits in it.</summary>
public sealed record PoisonQueueView(string Queue, string PoisonQueue, int ApproximateCount, IReadOnlyList<PoisonMessageView> Messages);

/// <summary>What an admin's retry moved back.</summary>
public sealed record PoisonRedriveResult(int Requeued);

/// <summary>One message waiting in a poison queue (ids and times only: the body is a channel event).</summary>
public sealed record PoisonMessageView(string Id, DateTimeOffset? InsertedAt);

/// <summary>
/// Re-drives the Storage queues' poison queues (issue 13): a queue trigger that failed
/// <c>maxDequeueCount</c> times in a row (typically because PostgreSQL was down for longer than
/// its quick retries) parks the message in <c>{queue}-poison</c>. Once PostgreSQL answers again the
/// timer moves every parked message back to its queue, and admins can list and move them too. The
/// consumers are idempotent by event id, so a message that had half-succeeded adds nothing twice.
/// </summary>
public sealed partial class PoisonQueues(
    StorageAccount storage, QueueNames names, NpgsqlDataSource dataSource, IOptions<QueueOptions> options, ILogger<PoisonQueues> logger)
{
    /// <summary>Suffix the Functions host (and the LocalHost) gives a queue's poison queue.</summary>
    public const string PoisonSuffix = "-poison";

    /// <summary>Messages listed per poison queue; the count is reported in full.</summary>
    public const int ListLimit = 32;

    // Storage returns at most 32 messages per receive; re-driving stops after this many per call so
    // one timer run stays short, and the next run takes the rest.
    private const int MaxPerRun = 2_000;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    public async Task<IReadOnlyList<PoisonQueueView>> ListAsync(CancellationToken ct)
    {
        var views = new List<PoisonQueueView>();
        foreach (var name in names.All)
        {
            var poison = storage.Queue(name + PoisonSuffix);
            if (!(await poison.ExistsAsync(ct)).Value)
            {
                views.Add(new PoisonQueueView(name, poison.Name, 0, []));
                continue;
            }
            var properties = await poison.GetPropertiesAsync(ct);
            PeekedMessage[] peeked = await poison.PeekMessagesAsync(ListLimit, ct);
            views.Add(new PoisonQueueView(name, poison.Name, properties.Value.ApproximateMessagesCount,
                peeked.Select(m => new PoisonMessageView(m.MessageId, m.InsertedOn)).ToList()));
        }
        return views;
    }

    /// <summary>The admin route: every poison message back to its queue, whatever PostgreSQL's state.</summary>
    public async Task<PoisonRedriveResult> RetryAllAsync(CancellationToken ct) => new(await RedriveAsync(ct));

    /// <summary>Moves poison messages back to their queues; returns how many moved.</summary>
    public async Task<int> RedriveAsync(CancellationToken ct)
    {
        var moved = 0;
        foreach (var name in names.All)
        {
            var poison = storage.Queue(name + PoisonSuffix);
            if (!(await poison.ExistsAsync(ct)).Value)
            {
                continue;
            }
            var queue = storage.Queue(name);
            await queue.CreateIfNotExistsAsync(cancellationToken: ct);
            var movedHere = 0;
            while (movedHere < MaxPerRun)
            {
                QueueMessage[] batch = await poison.ReceiveMessagesAsync(32, Lease, ct);
                if (batch.Length == 0)
                {
                    break;
                }
                foreach (var message in batch)
                {
                    // Send first, then delete: a crash in between leaves a duplicate, never a loss.
                    await queue.SendMessageAsync(message.Body, cancellationToken: ct);
                    await poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
                    movedHere++;
                }
            }
            if (movedHere > 0)
            {
                LogRedriven(movedHere, poison.Name, name);
            }
            moved += movedHere;
        }
        return moved;
    }

    /// <summary>
    /// The timer's step: re-drive only when the usual cause (PostgreSQL down) is gone, so a long
    /// outage does not cycle messages between the queue and its poison queue every few seconds.
    /// </summary>
    public async Task<int> RedriveIfHealthyAsync(CancellationToken ct)
    {
        // Service Bus keeps its own dead-letter queues (and this app holds no Storage queue role then).
        if (options.Value.Transport != QueueTransports.StorageQueues)
        {
            return 0;
        }
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
        return await RedriveAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Moved {Count} messages from {Poison} back to {Queue}")]
    private partial void LogRedriven(int count, string poison, string queue);

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL is unreachable; poison queues are re-driven once it is back")]
    private partial void LogPostgresDown(Exception exception);
}
