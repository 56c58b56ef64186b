using System.Text.Json;
using D3Chat.Core.Federation;

namespace D3Chat.Core.Tests.Federation;

/// <summary>A batch answers as if its events ran one after another, though the claimed ones are applied in one transaction.</summary>
public sealed class InboxBatchTests
{
    [Fact]
    public async Task RunAsync_AllNew_OneClaimBurstAndOneTransaction()
    {
        var steps = new FakeSteps();
        var results = await InboxBatch.RunAsync([Event("e1"), Event("e2"), Event("e3")], steps, CancellationToken.None);

        Assert.Equal(["ok", "ok", "ok"], results.Select(r => r.Status));
        Assert.Equal(["e1", "e2", "e3"], results.Select(r => r.EventId));
        Assert.Equal(1, steps.ClaimCalls);
        Assert.Equal([["e1", "e2", "e3"]], steps.Transactions);
        Assert.Equal(["e1", "e2", "e3"], steps.Stored);
        Assert.Empty(steps.Released);
    }

    [Fact]
    public async Task RunAsync_DuplicatesAndRejections_KeepTheirResultsAndAreNotApplied()
    {
        var steps = new FakeSteps { AlreadyClaimed = { "e2" } };
        var rejected = InboxBatchEntry.Rejected(new BatchEventResult("bad", BatchEventResult.Rejected, "Missing event_id"));

        var results = await InboxBatch.RunAsync([Event("e1"), Event("e2"), rejected, Event("e3")], steps, CancellationToken.None);

        Assert.Equal(["ok", "duplicate", "rejected", "ok"], results.Select(r => r.Status));
        Assert.Equal([["e1", "e3"]], steps.Transactions);
        Assert.Equal(["e2"], steps.Duplicates);
    }

    [Fact]
    public async Task RunAsync_OneEventFails_EarlierStoredLaterSkippedAndTheirClaimsReleased()
    {
        var steps = new FakeSteps { Failing = { "e3" } };
        var rejected = InboxBatchEntry.Rejected(new BatchEventResult("bad", BatchEventResult.Rejected, "Missing event_id"));

        var results = await InboxBatch.RunAsync([Event("e1"), Event("e2"), Event("e3"), rejected, Event("e4")], steps, CancellationToken.None);

        Assert.Equal(["ok", "ok", "error", "skipped", "skipped"], results.Select(r => r.Status));
        Assert.Equal(["e1", "e2", "e3", "bad", "e4"], results.Select(r => r.EventId));
        Assert.Equal("Error processing event", results[2].Detail);
        // The whole batch rolled back, then each event alone until the failing one.
        Assert.Equal([["e1", "e2", "e3", "e4"], ["e1"], ["e2"], ["e3"]], steps.Transactions);
        Assert.Equal(["e1", "e2"], steps.Stored);
        Assert.Equal(["e3", "e4"], steps.Released.Order());
        Assert.Equal(["e3"], steps.FailedLogged);
    }

    [Fact]
    public async Task RunAsync_DuplicateAfterAFailure_IsSkippedAndItsForeignClaimKept()
    {
        var steps = new FakeSteps { Failing = { "e1" }, AlreadyClaimed = { "e2" } };

        var results = await InboxBatch.RunAsync([Event("e1"), Event("e2")], steps, CancellationToken.None);

        Assert.Equal(["error", "skipped"], results.Select(r => r.Status));
        Assert.Equal(["e1"], steps.Released);
    }

    [Fact]
    public async Task RunAsync_Cancelled_ReleasesEveryClaimAndThrows()
    {
        var steps = new FakeSteps { CancelOn = "e2" };

        await Assert.ThrowsAsync<OperationCanceledException>(() => InboxBatch.RunAsync([Event("e1"), Event("e2")], steps, CancellationToken.None));

        Assert.Empty(steps.Stored);
        Assert.Equal(["e1", "e2"], steps.Released.Order());
    }

    [Fact]
    public async Task RunAsync_ClaimsFail_ThrowsBeforeApplyingAnything()
    {
        var steps = new FakeSteps { ClaimsThrow = true };

        await Assert.ThrowsAsync<InvalidOperationException>(() => InboxBatch.RunAsync([Event("e1")], steps, CancellationToken.None));

        Assert.Empty(steps.Transactions);
    }

    [Fact]
    public async Task RunAsync_OnlyRejections_NoClaimsNoTransaction()
    {
        var steps = new FakeSteps();
        var rejected = InboxBatchEntry.Rejected(new BatchEventResult(null, BatchEventResult.Rejected, "Invalid JSON body"));

        var results = await InboxBatch.RunAsync([rejected], steps, CancellationToken.None);

        Assert.Equal(["rejected"], results.Select(r => r.Status));
        Assert.Equal(0, steps.ClaimCalls);
        Assert.Empty(steps.Transactions);
    }

    [Fact]
    public async Task PendingClaim_IsRetriedBySender_AndStopsTheBatchWithLaterClaimsGivenBack()
    {
        var steps = new FakeSteps();
        steps.AlreadyClaimed.Add("e0");
        steps.Pending.Add("e2");

        var results = await InboxBatch.RunAsync([Event("e0"), Event("e1"), Event("e2"), Event("e3")], steps, default);

        Assert.Equal([BatchEventResult.Duplicate, BatchEventResult.Ok, BatchEventResult.Failed, BatchEventResult.Skipped], results.Select(r => r.Status));
        Assert.Equal(InboxBatch.PendingDetail, results[2].Detail);
        Assert.Equal(["e1"], steps.Stored);
        Assert.Equal(["e1"], steps.Completed);
        Assert.Equal(["e3"], steps.Released);
    }

    [Fact]
    public async Task StoredEvents_AreCompleted_AndOnlyThose()
    {
        var steps = new FakeSteps();
        steps.Failing.Add("e2");

        var results = await InboxBatch.RunAsync([Event("e0"), Event("e1"), Event("e2"), Event("e3")], steps, default);

        Assert.Equal([BatchEventResult.Ok, BatchEventResult.Ok, BatchEventResult.Failed, BatchEventResult.Skipped], results.Select(r => r.Status));
        Assert.Equal(["e0", "e1"], steps.Completed);
        Assert.Equal(["e2", "e3"], steps.Released.Order());
    }

    private static InboxBatchEntry Event(string id) =>
        InboxBatchEntry.Accepted(new InboxEvent(id, "message.relay", "a.example", JsonDocument.Parse("{}").RootElement));

    /// <summary>Claims in a set, a "database" that stores a transaction's events unless one of them fails.</summary>
    private sealed class FakeSteps : IInboxBatchSteps
    {
        public HashSet<string> AlreadyClaimed { get; } = [];
        public HashSet<string> Pending { get; } = [];
        public List<string> Completed { get; } = [];
        public HashSet<string> Failing { get; } = [];
        public string? CancelOn { get; init; }
        public bool ClaimsThrow { get; init; }
        public int ClaimCalls { get; private set; }
        public List<List<string>> Transactions { get; } = [];
        public List<string> Stored { get; } = [];
        public List<string> Released { get; } = [];
        public List<string> Duplicates { get; } = [];
        public List<string> FailedLogged { get; } = [];

        public Task<IReadOnlyList<InboxClaim>> ClaimAsync(IReadOnlyList<InboxEvent> events)
        {
            ClaimCalls++;
            if (ClaimsThrow)
            {
                throw new InvalidOperationException("claims unavailable");
            }
            return Task.FromResult<IReadOnlyList<InboxClaim>>([.. events.Select(e =>
                Pending.Contains(e.EventId) ? InboxClaim.Pending : AlreadyClaimed.Add(e.EventId) ? InboxClaim.First : InboxClaim.Stored)]);
        }

        public Task CompleteAsync(IReadOnlyList<InboxEvent> events)
        {
            Completed.AddRange(events.Select(e => e.EventId));
            return Task.CompletedTask;
        }

        public Task ReleaseAsync(IReadOnlyList<InboxEvent> events)
        {
            foreach (var e in events)
            {
                AlreadyClaimed.Remove(e.EventId);
                Released.Add(e.EventId);
            }
            return Task.CompletedTask;
        }

        public Task ApplyAllAsync(IReadOnlyList<InboxEvent> events, CancellationToken ct)
        {
            Transactions.Add([.. events.Select(e => e.EventId)]);
            if (events.Any(e => e.EventId == CancelOn))
            {
                throw new OperationCanceledException();
            }
            if (events.Any(e => Failing.Contains(e.EventId)))
            {
                throw new InvalidOperationException("handler failed");
            }
            Stored.AddRange(events.Select(e => e.EventId));
            return Task.CompletedTask;
        }

        public string Failed(InboxEvent e, Exception exception)
        {
            FailedLogged.Add(e.EventId);
            return "Error processing event";
        }

        public void Duplicate(InboxEvent e) => Duplicates.Add(e.EventId);
    }
}
