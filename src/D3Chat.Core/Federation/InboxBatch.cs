namespace D3Chat.Core.Federation;

/// <summary>One event of a batch after its envelope checks: the parsed event, or the result it already has (rejected).</summary>
internal sealed record InboxBatchEntry(InboxEvent? Event, BatchEventResult? Rejection)
{
    public static InboxBatchEntry Accepted(InboxEvent e) => new(e, null);

    public static InboxBatchEntry Rejected(BatchEventResult rejection) => new(null, rejection);
}

/// <summary>What <see cref="InboxBatch"/> needs from storage: the dedup claims and the handlers.</summary>
internal interface IInboxBatchSteps
{
    /// <summary>Claims each event id for the origin (true: first delivery); throws when the claims cannot be made, having released its own.</summary>
    Task<IReadOnlyList<bool>> ClaimAsync(IReadOnlyList<InboxEvent> events);

    /// <summary>Gives claims back, so the sender's retry is processed and not answered as a duplicate.</summary>
    Task ReleaseAsync(IReadOnlyList<InboxEvent> events);

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
        for (var k = 0; k < candidates.Count; k++)
        {
            var e = entries[candidates[k]].Event!;
            if (claimed[k])
            {
                toApply.Add(candidates[k]);
            }
            else
            {
                steps.Duplicate(e);
                results[candidates[k]] = new BatchEventResult(e.EventId, BatchEventResult.Duplicate, null);
            }
        }
        if (toApply.Count == 0)
        {
            return results!;
        }
        try
        {
            await steps.ApplyAllAsync([.. toApply.Select(i => entries[i].Event!)], ct);
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

    private static BatchEventResult Ok(InboxEvent e) => new(e.EventId, BatchEventResult.Ok, null);
}
