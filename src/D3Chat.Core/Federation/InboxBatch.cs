namespace D3Chat.Core.Federation;

/// <summary>One event of a batch after its envelope checks: the parsed event, or the result it already has (rejected).</summary>
internal sealed record InboxBatchEntry(InboxEvent? Event, BatchEventResult? Rejection)
{
    public static InboxBatchEntry Accepted(InboxEvent e) => new(e, null);

    public static InboxBatchEntry Rejected(BatchEventResult rejection) => new(null, rejection);
}

/// <summary>What a dedup claim found for an event id.</summary>
internal enum InboxClaim
{
    /// <summary>First delivery: claimed (as pending) for this request.</summary>
    First,

    /// <summary>Stored before: answered as a duplicate.</summary>
    Stored,

    /// <summary>Claimed by a request that has not stored it yet (running now, or crashed: the claim then expires): retry later.</summary>
    Pending,
}

/// <summary>What <see cref="InboxBatch"/> needs from storage: the dedup claims and the handlers.</summary>
internal interface IInboxBatchSteps
{
    /// <summary>Claims each event id for the origin; throws when the claims cannot be made, having released its own.</summary>
    Task<IReadOnlyList<InboxClaim>> ClaimAsync(IReadOnlyList<InboxEvent> events);

    /// <summary>Gives claims back, so the sender's retry is processed and not answered as a duplicate.</summary>
    Task ReleaseAsync(IReadOnlyList<InboxEvent> events);

    /// <summary>Marks claims of committed events as stored: from then on their ids are duplicates.</summary>
    Task CompleteAsync(IReadOnlyList<InboxEvent> events);

    /// <summary>Applies the events in order in one transaction; throws (and stores nothing) when any of them fails.</summary>
    Task ApplyAllAsync(IReadOnlyList<InboxEvent> events, CancellationToken ct);

    /// <summary>Logs a failed handler and says why for the answer (the detail of a 5xx problem).</summary>
    string Failed(InboxEvent e, Exception exception);

    void Duplicate(InboxEvent e);
}

/// <summary>
/// Applies a batch (spec §4.1) with the results of running its events one after another, in fewer
/// round trips: every event id is claimed at once (one pipelined burst to Redis), and the claimed
/// events are applied in order in ONE transaction. Only when that transaction fails are they applied
/// again one at a time, each in its own transaction, to find the event that fails: the events before
/// it are stored and answered <c>ok</c>, it gets <c>error</c>, and every later event <c>skipped</c>,
/// exactly as the one-at-a-time inbox would answer. A claim is released whenever its event was not
/// stored (failed, skipped, cancelled), so the sender's retry is processed, never read as a duplicate.
/// A claim is pending until its transaction committed, and only then marked stored: an event whose
/// claim is still pending (another request applies it, or a process died applying it, and the claim has
/// not expired yet) is answered <c>error</c> like a failure, so the sender retries it, and stops the batch.
/// </summary>
internal static class InboxBatch
{
    public static async Task<IReadOnlyList<BatchEventResult>> RunAsync(IReadOnlyList<InboxBatchEntry> entries, IInboxBatchSteps steps, CancellationToken ct)
    {
        var results = new BatchEventResult?[entries.Count];
        var candidates = new List<int>();
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Event is null)
            {
                results[i] = entries[i].Rejection;
            }
            else
            {
                candidates.Add(i);
            }
        }
        var claimed = candidates.Count == 0 ? [] : await steps.ClaimAsync([.. candidates.Select(i => entries[i].Event!)]);
        var toApply = new List<int>();
        var stopAt = entries.Count;
        for (var k = 0; k < candidates.Count; k++)
        {
            var e = entries[candidates[k]].Event!;
            if (claimed[k] == InboxClaim.Pending)
            {
                stopAt = candidates[k];
                results[stopAt] = new BatchEventResult(e.EventId, BatchEventResult.Failed, PendingDetail);
                break;
            }
            if (claimed[k] == InboxClaim.First)
            {
                toApply.Add(candidates[k]);
            }
            else
            {
                steps.Duplicate(e);
                results[candidates[k]] = new BatchEventResult(e.EventId, BatchEventResult.Duplicate, null);
            }
        }
        if (stopAt < entries.Count)
        {
            await SkipFromAsync(entries, stopAt + 1, candidates, claimed, results, steps);
        }
        if (toApply.Count == 0)
        {
            return results!;
        }
        try
        {
            IReadOnlyList<InboxEvent> applied = [.. toApply.Select(i => entries[i].Event!)];
            await steps.ApplyAllAsync(applied, ct);
            await steps.CompleteAsync(applied);
            foreach (var i in toApply)
            {
                results[i] = Ok(entries[i].Event!);
            }
            return results!;
        }
        catch (OperationCanceledException)
        {
            await steps.ReleaseAsync([.. toApply.Select(i => entries[i].Event!)]);
            throw;
        }
        catch (Exception)
        {
            // Rolled back as a whole: nothing of these events is stored. Find the one that fails.
            return await OneAtATimeAsync(entries, toApply, results, steps, ct);
        }
    }

    private static async Task<IReadOnlyList<BatchEventResult>> OneAtATimeAsync(
        IReadOnlyList<InboxBatchEntry> entries, List<int> toApply, BatchEventResult?[] results, IInboxBatchSteps steps, CancellationToken ct)
    {
        var claimed = toApply.ToHashSet();
        var stopped = false;
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i].Event;
            if (stopped)
            {
                // After a failure nothing runs, so no event overtakes it; results said so before claims were made at once.
                results[i] = new BatchEventResult(e?.EventId ?? results[i]?.EventId, BatchEventResult.Skipped, null);
                continue;
            }
            if (!claimed.Contains(i))
            {
                continue;
            }
            try
            {
                await steps.ApplyAllAsync([e!], ct);
                results[i] = Ok(e!);
                await steps.CompleteAsync([e!]);
            }
            catch (OperationCanceledException)
            {
                await steps.ReleaseAsync([.. toApply.Where(j => j >= i).Select(j => entries[j].Event!)]);
                throw;
            }
            catch (Exception ex)
            {
                results[i] = new BatchEventResult(e!.EventId, BatchEventResult.Failed, steps.Failed(e, ex));
                stopped = true;
            }
        }
        var unstored = toApply.Where(i => results[i]!.Status is not BatchEventResult.Ok).Select(i => entries[i].Event!).ToList();
        if (unstored.Count > 0)
        {
            await steps.ReleaseAsync(unstored);
        }
        return results!;
    }

    /// <summary>The detail of an event whose claim is pending: the sender keeps it and retries.</summary>
    public const string PendingDetail = "This event is being stored by another request; retry it";

    // Every entry from `from` on is skipped (nothing overtakes the stopped event); claims made for them are given back.
    private static async Task SkipFromAsync(
        IReadOnlyList<InboxBatchEntry> entries, int from, List<int> candidates, IReadOnlyList<InboxClaim> claimed, BatchEventResult?[] results, IInboxBatchSteps steps)
    {
        var release = candidates.Select((index, k) => (index, k)).Where(c => c.index >= from && claimed[c.k] == InboxClaim.First)
            .Select(c => entries[c.index].Event!).ToList();
        for (var i = from; i < entries.Count; i++)
        {
            results[i] = new BatchEventResult(entries[i].Event?.EventId ?? results[i]?.EventId, BatchEventResult.Skipped, null);
        }
        if (release.Count > 0)
        {
            await steps.ReleaseAsync(release);
        }
    }

    private static BatchEventResult Ok(InboxEvent e) => new(e.EventId, BatchEventResult.Ok, null);
}
