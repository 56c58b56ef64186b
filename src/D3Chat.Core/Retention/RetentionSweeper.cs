using Azure.Storage.Blobs.Models;
using D3Chat.Core.Attachments;
using D3Chat.Core.Auth;
using D3Chat.Core.Federation;
using D3Chat.Core.Messages;
using D3Chat.Core.Outbox;
using D3Chat.Core.Settings;
using D3Chat.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace D3Chat.Core.Retention;

/// <summary>
/// One pass of the retention timer (issue 13, docs/ops.md "Retention"): deletes messages past the
/// admins' <c>message_retention_days</c>, published events,
/// old dead letters, expired sessions, client message ids past their window and abandoned uploads;
/// removes the old content of deleted and edited messages from every event table; deletes the blobs
/// of deleted attachments. Each step is idempotent, so an interrupted pass is finished by the next.
/// </summary>
public sealed partial class RetentionSweeper(
    OutboxStore outbox,
    DeliveryStore deliveries,
    SessionStore sessions,
    MessageStore messages,
    AttachmentStore attachments,
    BlobDeletionStore blobDeletions,
    SettingsStore settings,
    StorageAccount storage,
    IOptions<RetentionOptions> options,
    TimeProvider time,
    ILogger<RetentionSweeper> logger)
{
    /// <summary>Blobs deleted per batch; a pass works through at most <see cref="MaxBlobBatches"/> batches.</summary>
    public const int BlobBatchSize = 200;
    public const int MaxBlobBatches = 10;

    /// <summary>Messages deleted per pass under <c>message_retention_days</c>.</summary>
    public const int MessageBatchSize = 5000;

    public async Task<RetentionReport> SweepAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var policy = options.Value;
        var report = new RetentionReport(
            ExpiredMessages: await DeleteExpiredMessagesAsync(now, ct),
            SentEvents: await outbox.DeleteSentAsync(now - policy.SentEventAge, now - policy.ReferencedEventAge, ct),
            DeadLetters: await outbox.DeleteDeadLettersAsync(now - policy.DeadLetterAge, ct)
                + await deliveries.DeleteDeadAsync(now - policy.DeadLetterAge, ct),
            ScrubbedEvents: await outbox.ScrubChangedMessagesAsync(ct) + await deliveries.ScrubChangedMessagesAsync(ct),
            ExpiredSessions: await sessions.DeleteExpiredAsync(now, ct),
            ClientMessageIds: await messages.DeleteExpiredClientIdsAsync(now - ClientMessageIds.Window, ct),
            UnlinkedAttachments: await attachments.DeleteUnlinkedAsync(now - policy.UnlinkedAttachmentAge, ct),
            Blobs: await DeleteQueuedBlobsAsync(ct));
        LogSwept(report.ExpiredMessages, report.SentEvents, report.DeadLetters, report.ScrubbedEvents, report.ExpiredSessions,
            report.ClientMessageIds, report.UnlinkedAttachments, report.Blobs);
        return report;
    }

    // Before the event scrub in the same pass, so events of the deleted messages go with them.
    private async Task<int> DeleteExpiredMessagesAsync(DateTimeOffset now, CancellationToken ct) =>
        SettingKeys.WholeNumber(await settings.GetValueAsync(SettingKeys.MessageRetentionDays, ct), 1, 36500) is { } days
            ? await messages.DeleteOlderThanAsync(now - TimeSpan.FromDays(days), MessageBatchSize, ct)
            : 0;

    private async Task<int> DeleteQueuedBlobsAsync(CancellationToken ct)
    {
        var container = storage.Container(AttachmentService.Container);
        var deleted = 0;
        for (var batch = 0; batch < MaxBlobBatches; batch++)
        {
            var names = await blobDeletions.ListAsync(BlobBatchSize, ct);
            if (names.Count == 0)
            {
                break;
            }
            foreach (var name in names)
            {
                // A missing blob (or container) is already what we want.
                await container.GetBlobClient(name).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: ct);
            }
            await blobDeletions.RemoveAsync(names, ct);
            deleted += names.Count;
        }
        return deleted;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention deleted {ExpiredMessages} expired messages, {SentEvents} sent events, {DeadLetters} dead letters, " +
        "{ExpiredSessions} expired sessions, {ClientMessageIds} client message ids, {UnlinkedAttachments} unlinked attachments, " +
        "{Blobs} blobs; scrubbed {ScrubbedEvents} events of changed messages")]
    private partial void LogSwept(int expiredMessages, int sentEvents, int deadLetters, int scrubbedEvents, int expiredSessions, int clientMessageIds,
        int unlinkedAttachments, int blobs);
}

/// <summary>Rows (or blobs) one retention pass deleted or rewrote, by kind.</summary>
public sealed record RetentionReport(int ExpiredMessages, int SentEvents, int DeadLetters, int ScrubbedEvents, int ExpiredSessions, int ClientMessageIds,
    int UnlinkedAttachments, int Blobs);
