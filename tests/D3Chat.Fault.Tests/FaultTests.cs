using System.Collections.Concurrent;
using System.Diagnostics;
using D3Chat.Client;
using D3Chat.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace D3Chat.Fault.Tests;

/// <summary>
/// Issue 13 item 5: during a steady load of at least 500 messages in a federated channel between two
/// LocalHosts (Alice posts on A, Bob on B), one dependency is stopped for a while and started
/// again. Afterwards every acknowledged message is stored exactly once on both servers, the API
/// never answered a 5xx other than 503 with Retry-After, and the figures are printed for
/// docs/reliability.md.
/// </summary>
public sealed class FaultTests(FaultEnvironment env, ITestOutputHelper output) : IClassFixture<FaultEnvironment>
{
    private const int MinMessages = 500;
    private const int BeforeFault = 150;
    private const int AfterRecovery = 100;
    private static readonly TimeSpan LoadDeadline = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan ConvergenceDeadline = TimeSpan.FromSeconds(120);

    [Fact]
    public Task Redis_StoppedForTenSecondsUnderLoad_EveryAcknowledgedMessageStoredOnceOnBothServers() =>
        RunAsync("redis", TimeSpan.FromSeconds(10), env.Services.StopRedisAsync, env.Services.StartRedisAsync);

    [Fact]
    public Task Storage_StoppedForTenSecondsUnderLoad_OutboxPublishesLaterAndEveryMessageArrivesOnce() =>
        RunAsync("azurite", TimeSpan.FromSeconds(10), env.Services.StopAzuriteAsync, env.Services.StartAzuriteAsync);

    [Fact]
    public Task Postgres_StoppedForThirtySecondsUnderLoad_Answers503WithRetryAfterAndLosesNothing() =>
        RunAsync("postgres", TimeSpan.FromSeconds(30), env.Services.StopPostgresAsync, env.Services.StartPostgresAsync, expectUnavailable: true);

    [Fact]
    public Task PeerServer_StoppedForTenSecondsUnderLoad_BacklogDeliveredOnceAfterRestart()
    {
        SteadyLoad? bobLoad = null;
        return RunAsync("peer server B", TimeSpan.FromSeconds(10),
            async () =>
            {
                // Bob's own server is down: his client waits, as a person would.
                await bobLoad!.PauseAsync();
                await env.B.StopAsync();
            },
            async () =>
            {
                await env.B.RestartAsync();
                bobLoad!.Resume();
            },
            onLoads: (_, bob) => bobLoad = bob);
    }

    private async Task RunAsync(string what, TimeSpan outage, Func<Task> stop, Func<Task> start, bool expectUnavailable = false,
        Action<SteadyLoad, SteadyLoad>? onLoads = null)
    {
        var channelId = await env.CreateFederatedChannelAsync($"faults-{what.Replace(' ', '-')}");
        var realtimeA = await RealtimeLog.ConnectAsync(env.Alice);
        var realtimeB = await RealtimeLog.ConnectAsync(env.Bob);
        var aliceLoad = await SteadyLoad.StartAsync(env.Alice, channelId, "A");
        var bobLoad = await SteadyLoad.StartAsync(env.Bob, channelId, "B");
        onLoads?.Invoke(aliceLoad, bobLoad);
        int Acked() => aliceLoad.Acked.Count + bobLoad.Acked.Count;

        await Eventually.TrueAsync(() => Task.FromResult(Acked() >= BeforeFault), LoadDeadline, $"{BeforeFault} messages before stopping {what}");
        await stop();
        var ackedBefore = Acked();
        // The outage itself is held for a fixed time: that is the fault being injected.
        await Task.Delay(outage);
        await start();
        var recovered = Stopwatch.StartNew();
        var ackedDuringOutage = Acked() - ackedBefore;
        await Eventually.TrueAsync(() => Task.FromResult(Acked() >= Math.Max(MinMessages, ackedBefore + ackedDuringOutage + AfterRecovery)),
            LoadDeadline, $"{MinMessages} acknowledged messages after restarting {what}");
        await Task.WhenAll(aliceLoad.StopAsync(), bobLoad.StopAsync());
        var loadStopped = Stopwatch.StartNew();

        var acked = aliceLoad.Acked.Concat(bobLoad.Acked).ToList();
        var expected = acked.Select(m => m.Content).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Count, expected.Distinct().Count());
        var storedA = new List<MessageResponse>();
        var storedB = new List<MessageResponse>();
        await Eventually.TrueAsync(async () =>
        {
            storedA = await AllMessagesAsync(env.Alice, channelId);
            storedB = await AllMessagesAsync(env.Bob, channelId);
            return storedA.Count >= expected.Count && storedB.Count >= expected.Count;
        }, ConvergenceDeadline, $"both servers to hold all {expected.Count} messages after {what} came back");
        var converged = recovered.Elapsed;
        var convergedAfterLoad = loadStopped.Elapsed;

        // Exactly once on each server: nothing lost, nothing doubled, nothing unacknowledged stored.
        Assert.Equal(expected, storedA.Select(m => m.Content).Order(StringComparer.Ordinal).ToList());
        Assert.Equal(expected, storedB.Select(m => m.Content).Order(StringComparer.Ordinal).ToList());
        // Each server keeps the id it acknowledged for its own users' messages.
        Assert.All(aliceLoad.Acked, m => Assert.Contains(storedA, s => s.Id == m.Id && s.Content == m.Content));
        Assert.All(bobLoad.Acked, m => Assert.Contains(storedB, s => s.Id == m.Id && s.Content == m.Content));

        var statuses = new ConcurrentDictionary<int, int>();
        foreach (var (status, count) in aliceLoad.Statuses.Concat(bobLoad.Statuses))
        {
            statuses.AddOrUpdate(status, count, (_, n) => n + count);
        }
        var unavailable = statuses.GetValueOrDefault(503);
        var realtimeSeenA = realtimeA.CountContaining(expected);
        var realtimeSeenB = realtimeB.CountContaining(expected);
        output.WriteLine(
            $"FAULT {what}: outage {outage.TotalSeconds:0} s; acknowledged {acked.Count} (A {aliceLoad.Acked.Count}, B {bobLoad.Acked.Count}; " +
            $"{ackedDuringOutage} during the outage); statuses {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}; " +
            $"converged {converged.TotalSeconds:0.0} s after restart, {convergedAfterLoad.TotalSeconds:0.0} s after the last send; realtime events seen A {realtimeSeenA}/{expected.Count}, B {realtimeSeenB}/{expected.Count}");
        await realtimeA.DisposeAsync();
        await realtimeB.DisposeAsync();

        // Only 201, the 200 of an idempotent retry, and 503 with Retry-After; never a 500 or a dropped connection.
        Assert.Empty(statuses.Keys.Except([200, 201, 503]));
        Assert.Equal(0, aliceLoad.UnavailableWithoutRetryAfter + bobLoad.UnavailableWithoutRetryAfter);
        Assert.Equal(0, aliceLoad.ReplayedOnFirstTry + bobLoad.ReplayedOnFirstTry);
        if (expectUnavailable)
        {
            Assert.True(unavailable > 0, $"no 503 while {what} was down");
        }
        else
        {
            Assert.Equal(0, unavailable);
        }
    }

    private static async Task<List<MessageResponse>> AllMessagesAsync(D3ChatClient client, Guid channelId)
    {
        var all = new List<MessageResponse>();
        MessagePage page = await client.GetMessagesAsync(channelId, limit: 100);
        all.AddRange(page.Messages);
        while (page.HasMore && page.Messages.Count > 0)
        {
            var oldest = page.Messages.MinBy(m => (m.CreatedAt, m.Id))!;
            page = await client.GetMessagesAsync(channelId, before: oldest.CreatedAt, beforeId: oldest.Id, limit: 100);
            all.AddRange(page.Messages);
        }
        return all;
    }
}

/// <summary>Every realtime event a connected client received (raw JSON), to count what arrived live.</summary>
internal sealed class RealtimeLog : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _events = new();
    private Microsoft.AspNetCore.SignalR.Client.HubConnection? _connection;

    public static async Task<RealtimeLog> ConnectAsync(D3ChatClient client)
    {
        var log = new RealtimeLog();
        log._connection = await client.ConnectRealtimeAsync(e => log._events.Enqueue(e.GetRawText()));
        return log;
    }

    public int CountContaining(IEnumerable<string> contents)
    {
        var text = string.Join('\n', _events);
        return contents.Count(c => text.Contains(c, StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }
}
