using System.Diagnostics;
using System.Text.Json;
using D3Chat.Core.Http;
using D3Chat.Core.Redis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace D3Chat.Core.Federation;

/// <summary>The inbox answer of spec §4: <c>{"status": "ok"|"duplicate", "event_id": …}</c>.</summary>
public sealed record InboxAck(string Status, string EventId);

/// <summary>One event's result in a batch answer (spec §4.1).</summary>
public sealed record BatchEventResult(string? EventId, string Status, string? Detail)
{
    public const string Ok = "ok";
    public const string Duplicate = "duplicate";

    /// <summary>The event is malformed and will never be accepted: the sender drops it.</summary>
    public const string Rejected = "rejected";

    /// <summary>The handler failed: nothing of it is stored, the sender retries it.</summary>
    public const string Failed = "error";

    /// <summary>Not processed because an earlier event failed (order is kept): the sender retries it.</summary>
    public const string Skipped = "skipped";

    public bool Delivered => Status is Ok or Duplicate;
}

/// <summary>The answer to <c>POST /federation/transactions</c>: one result per event, in request order.</summary>
public sealed record BatchAck(IReadOnlyList<BatchEventResult> Results);

/// <summary>
/// Steps 4 and 7-11 of the inbox (spec federation.md §4) for a request whose signature
/// <see cref="FederationRequestVerifier"/> already checked: per-origin rate limit, JSON, envelope
/// fields, body origin = signed origin, dedup, dispatch.
/// </summary>
public sealed partial class FederationInbox(
    RedisKeyspace redis, InboxHandlers handlers, IOptions<FederationOptions> options, ILogger<FederationInbox> logger)
{
    /// <summary>Requests one origin may make per <see cref="RedisKeys.FederationRateWindow"/> by default (spec §4; <see cref="FederationOptions.InboxRatePerMinute"/>).</summary>
    public const int RateLimitPerWindow = 100;

    public async Task<Outcome<InboxAck>> ReceiveAsync(string origin, byte[] body, CancellationToken ct)
    {
        if (await RateLimitAsync(origin) is { } limited)
        {
            return limited;
        }
        return ParseObject(body) is { } root ? await ReceiveEventAsync(origin, root, ct) : Problem.FederationInvalidJson;
    }

    /// <summary>
    /// A batch (spec §4.1), its signature already verified: the events count against the origin's event
    /// budget as a whole (all or none), then each runs the inbox steps 8-12 in order with its own dedup,
    /// the claimed ones applied in one transaction (<see cref="InboxBatch"/>). The first event whose
    /// handler fails stops the batch, so a later event never overtakes it.
    /// </summary>
    public async Task<Outcome<BatchAck>> ReceiveBatchAsync(string origin, byte[] body, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        if (ParseObject(body) is not { } root || !root.TryGetProperty("events", out var events)
            || events.ValueKind != JsonValueKind.Array || events.GetArrayLength() is var count && (count == 0 || count > AcceptedBatchEvents))
        {
            return Problem.FederationBatchInvalid;
        }
        if (!await WithinEventBudgetAsync(origin, count))
        {
            LogRateLimited(origin);
            return Problem.FederationRateLimited;
        }
        var entries = new List<InboxBatchEntry>(count);
        foreach (var item in events.EnumerateArray())
        {
            var (parsed, problem) = item.ValueKind == JsonValueKind.Object ? Envelope(origin, item) : Problem.FederationInvalidJson;
            entries.Add(problem is null ? InboxBatchEntry.Accepted(parsed!)
                : InboxBatchEntry.Rejected(new BatchEventResult(EventIdOf(item), BatchEventResult.Rejected, problem.Detail)));
        }
        var steps = new BatchSteps(this, origin);
        var checkedAt = Stopwatch.GetTimestamp();
        var results = await InboxBatch.RunAsync(entries, steps, ct);
        LogBatchTimes(origin, count, Stopwatch.GetElapsedTime(started, checkedAt).TotalMilliseconds,
            steps.ClaimTime.TotalMilliseconds, steps.ApplyTime.TotalMilliseconds);
        return new BatchAck(results);
    }

    private Task ApplyAllAsync(IReadOnlyList<InboxEvent> events, CancellationToken ct) => handlers.DispatchAllAsync(events, ct);

    private static string? EventIdOf(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty("event_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;

    /// <summary>The batch's storage steps: Redis claims for this origin and the handlers.</summary>
    private sealed class BatchSteps(FederationInbox inbox, string origin) : IInboxBatchSteps
    {
        /// <summary>Time spent in the Redis claims and in the transaction(s), for the Debug log of the batch.</summary>
        public TimeSpan ClaimTime { get; private set; }

        public TimeSpan ApplyTime { get; private set; }

        public async Task<IReadOnlyList<InboxClaim>> ClaimAsync(IReadOnlyList<InboxEvent> events)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                return await inbox.ClaimAllAsync(origin, events);
            }
            finally
            {
                ClaimTime += Stopwatch.GetElapsedTime(started);
            }
        }

        public Task ReleaseAsync(IReadOnlyList<InboxEvent> events) => inbox.ReleaseAllAsync(origin, events);

        public Task CompleteAsync(IReadOnlyList<InboxEvent> events) => inbox.CompleteAllAsync(origin, events);

        public async Task ApplyAllAsync(IReadOnlyList<InboxEvent> events, CancellationToken ct)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await inbox.ApplyAllAsync(events, ct);
            }
            finally
            {
                ApplyTime += Stopwatch.GetElapsedTime(started);
            }
        }

        public string Failed(InboxEvent e, Exception exception)
        {
            inbox.LogHandlerFailed(origin, e.EventId, e.Type, exception);
            return (ServiceOutage.IsOutage(exception) ? Problem.ServiceUnavailable : Problem.FederationEventFailed).Detail;
        }

        public void Duplicate(InboxEvent e) => inbox.LogDuplicate(origin, e.EventId);
    }

    /// <summary>Most events one batch may carry: what this server advertises, never more than <see cref="FederationBatches.MaxEvents"/>.</summary>
    private int AcceptedBatchEvents => Math.Clamp(options.Value.MaxBatchEvents, 1, FederationBatches.MaxEvents);

    private static JsonElement? ParseObject(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Steps 8-10 of spec §4: the envelope fields, and the body's origin must be the signed one.</summary>
    private Outcome<InboxEvent> Envelope(string origin, JsonElement root)
    {
        var parsed = new InboxEvent("", "", origin, root);
        if (parsed.String("event_id") is not { Length: > 0 } eventId)
        {
            return Problem.FederationEventIdMissing;
        }
        if (parsed.String("type") is not { Length: > 0 } type)
        {
            return Problem.FederationEventTypeMissing;
        }
        // Departure 4: handlers build remote identities from the origin, so it must be the signed one.
        if (!string.Equals(DomainNames.Normalize(parsed.String("origin_server")), origin, StringComparison.Ordinal))
        {
            LogOriginMismatch(origin, eventId);
            return Problem.FederationOriginMismatch;
        }
        return parsed with { EventId = eventId, Type = type };
    }

    /// <summary>Steps 8-12 of spec §4 for one event object.</summary>
    private async Task<Outcome<InboxAck>> ReceiveEventAsync(string origin, JsonElement root, CancellationToken ct)
    {
        var (inboxEvent, problem) = Envelope(origin, root);
        if (problem is not null)
        {
            return problem;
        }
        var eventId = inboxEvent!.EventId;
        var type = inboxEvent.Type;
        switch ((await ClaimAllAsync(origin, [inboxEvent]))[0])
        {
            case InboxClaim.Stored:
                LogDuplicate(origin, eventId);
                return new InboxAck("duplicate", eventId);
            case InboxClaim.Pending:
                // Not stored yet by the request holding the claim: the sender keeps the event and retries.
                return Problem.ServiceUnavailable;
        }
        try
        {
            await handlers.DispatchAsync(inboxEvent, ct);
            await CompleteAllAsync(origin, [inboxEvent]);
        }
        catch (Exception ex)
        {
            // Unlike the reference, release the claim so the sender's retry is processed, not read as
            // a duplicate: the event counts as received only once its handler committed. A cancelled
            // request (the sender gave up, the host is stopping) is released the same way.
            await ReleaseAllAsync(origin, [inboxEvent]);
            if (ex is OperationCanceledException)
            {
                throw;
            }
            LogHandlerFailed(origin, eventId, type, ex);
            // A database outage is not the event's fault: 503, so the sender keeps it for its retries.
            return ServiceOutage.IsOutage(ex) ? Problem.ServiceUnavailable : Problem.FederationEventFailed;
        }
        return new InboxAck("ok", eventId);
    }

    private const string CountInWindowScript = """
        local count = redis.call('INCR', KEYS[1])
        if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return count
        """;

    // Adds the batch's events only when all fit the window's budget, so a refused batch costs nothing
    // and its retry is judged afresh; one script keeps check, add and expiry atomic.
    private const string AddEventsInWindowScript = """
        local count = tonumber(redis.call('GET', KEYS[1]) or '0')
        local n = tonumber(ARGV[2])
        if count + n > tonumber(ARGV[3]) then return 0 end
        if redis.call('INCRBY', KEYS[1], n) == n then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return 1
        """;

    private async Task<bool> WithinEventBudgetAsync(string origin, int events)
    {
        try
        {
            return (long)await redis.Database.ScriptEvaluateAsync(AddEventsInWindowScript, [RedisKeys.FederationEventRate(origin)],
                [(long)RedisKeys.FederationRateWindow.TotalMilliseconds, events, options.Value.BatchEventsPerMinute]) == 1;
        }
        catch (RedisException ex)
        {
            LogRedisDegraded("event rate limit", ex);
            return true;
        }
    }

    /// <summary>Counts one request of <paramref name="origin"/> (inbox events and one-time key claims share the window); the 429 when over.</summary>
    public async Task<Problem?> RateLimitAsync(string origin)
    {
        if (await WithinRateLimitAsync(origin))
        {
            return null;
        }
        LogRateLimited(origin);
        return Problem.FederationRateLimited;
    }

    private async Task<bool> WithinRateLimitAsync(string origin)
    {
        try
        {
            // INCR and the window's expiry in one script: a crash between the two can never leave a
            // counter without expiry (which would block the origin for good).
            var count = (long)await redis.Database.ScriptEvaluateAsync(CountInWindowScript,
                [RedisKeys.FederationRate(origin)], [(long)RedisKeys.FederationRateWindow.TotalMilliseconds]);
            return count <= options.Value.InboxRatePerMinute;
        }
        catch (RedisException ex)
        {
            LogRedisDegraded("rate limit", ex);
            return true;
        }
    }

    /// <summary>
    /// Claims each event id for the origin, the commands sent together (the client pipelines them): one
    /// round trip. A claim is <c>pending</c> for <see cref="RedisKeys.FederationEventPendingTtl"/> until
    /// the event's transaction commits (<see cref="CompleteAllAsync"/> then makes it <c>stored</c> for 24 h):
    /// a process that dies between claim and commit leaves a claim that expires, so the sender's retry is
    /// stored then, never answered as a duplicate of what was lost. Replay protection must not fail open:
    /// without the claim a replayed event (within the signature's window) would be applied twice. So if any
    /// claim cannot be made, the ones made are released and the request answers 503; the sender retries later.
    /// </summary>
    private async Task<IReadOnlyList<InboxClaim>> ClaimAllAsync(string origin, IReadOnlyList<InboxEvent> events)
    {
        var claims = events.Select(e => redis.Database.ScriptEvaluateAsync(ClaimScript,
            [RedisKeys.FederationEvent(origin, e.EventId)], [(long)RedisKeys.FederationEventPendingTtl.TotalMilliseconds])).ToList();
        try
        {
            return [.. (await Task.WhenAll(claims)).Select(r => (InboxClaim)(int)(long)r)];
        }
        catch (RedisException ex)
        {
            var made = events.Where((_, i) => claims[i].IsCompletedSuccessfully && (long)claims[i].Result == (int)InboxClaim.First).ToList();
            await ReleaseAllAsync(origin, made);
            LogRedisDegraded("dedup", ex);
            throw new ServiceUnavailableException("Federation replay protection is unavailable (Redis)", ex);
        }
    }

    // First (0): claimed now as pending; Stored (1): any other value (including claims made before
    // pending existed); Pending (2): another request holds it.
    private const string ClaimScript = """
        local v = redis.call('GET', KEYS[1])
        if not v then
          redis.call('SET', KEYS[1], 'pending', 'PX', ARGV[1])
          return 0
        end
        if v == 'pending' then return 2 end
        return 1
        """;

    /// <summary>
    /// Marks the claims of committed events stored for 24 h. Never throws: should Redis fail here, the
    /// pending claims expire and a resent event is applied again, which the handlers' idempotence absorbs.
    /// </summary>
    private async Task CompleteAllAsync(string origin, IReadOnlyList<InboxEvent> events)
    {
        try
        {
            await Task.WhenAll(events.Select(e => redis.Database.StringSetAsync(
                RedisKeys.FederationEvent(origin, e.EventId), "stored", RedisKeys.FederationEventTtl)));
        }
        catch (RedisException ex)
        {
            LogRedisDegraded("dedup completion", ex);
        }
    }

    private async Task ReleaseAllAsync(string origin, IReadOnlyList<InboxEvent> events)
    {
        try
        {
            // One key per command (no multi-key DEL): the keys of a batch may live on different cluster slots.
            await Task.WhenAll(events.Select(e => redis.Database.KeyDeleteAsync(RedisKeys.FederationEvent(origin, e.EventId))));
        }
        catch (RedisException ex)
        {
            LogRedisDegraded("dedup release", ex);
        }
    }

    // Where a batch's time goes on the receiver (issue 14); the signature check is logged by FederationRequestVerifier.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Batch of {Events} events from {Origin}: parse and budget {CheckMs:F1} ms, claims {ClaimMs:F1} ms, apply {ApplyMs:F1} ms")]
    private partial void LogBatchTimes(string origin, int events, double checkMs, double claimMs, double applyMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Federation rate limit exceeded by {Origin}")]
    private partial void LogRateLimited(string origin);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected event {EventId} from {Origin}: body origin_server differs from the signed origin")]
    private partial void LogOriginMismatch(string origin, string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Duplicate federation event {EventId} from {Origin} ignored")]
    private partial void LogDuplicate(string origin, string eventId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling federation event {EventId} ({EventType}) from {Origin} failed")]
    private partial void LogHandlerFailed(string origin, string eventId, string eventType, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unavailable for federation {Feature}; continuing without it")]
    private partial void LogRedisDegraded(string feature, Exception exception);
}
