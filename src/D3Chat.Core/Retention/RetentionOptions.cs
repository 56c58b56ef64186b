namespace D3Chat.Core.Retention;

/// <summary>
/// How long the retention timer keeps what it deletes (<c>Retention__*</c>; docs/ops.md "Retention").
/// The defaults are the documented policy; tests shorten them.
/// </summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>A published outbox event that fits a queue message inline (its consumers never read the row).</summary>
    public TimeSpan SentEventAge { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A published outbox event that may have travelled by reference: consumers load it from the row,
    /// so it stays as long as a queue keeps an undelivered message (Storage Queues: 7 days).
    /// </summary>
    public TimeSpan ReferencedEventAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Outbox dead letters and dead federation deliveries, kept for admins to inspect and retry.</summary>
    public TimeSpan DeadLetterAge { get; set; } = TimeSpan.FromDays(30);

    /// <summary>An uploaded attachment that no message links (an abandoned upload).</summary>
    public TimeSpan UnlinkedAttachmentAge { get; set; } = TimeSpan.FromHours(24);
}
