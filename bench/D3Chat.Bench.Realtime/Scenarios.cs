using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using D3Chat.Client;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;

namespace D3Chat.Bench.Realtime;

/// <summary>The measured scenarios, in the order of one run; each adds its figures to the result.</summary>
public sealed partial class Scenarios(Options options)
{
    private const string Password = "bench-password-not-secret";
    private static readonly int[] Concurrencies = [1, 8, 32];
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(60);
    // One connection pool for every simulated user; an HttpClient per server only because the typed client sends relative paths.
    private static readonly SocketsHttpHandler Handler = new() { PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
    private readonly Dictionary<Uri, HttpClient> _http = [];
    private readonly string _run = Guid.NewGuid().ToString("N")[..10];
    private int _peakRssSampler;
    private double _peakRssMiB;

    public async Task<JsonObject> RunAsync()
    {
        var result = new JsonObject
        {
            ["commit"] = options.Commit,
            ["date"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
            ["machine"] = Program.Machine(),
            ["load_average_start"] = ProcessCpu.LoadAverage(),
            ["settings"] = new JsonObject
            {
                ["throughput_seconds_per_step"] = options.Seconds,
                ["warmup_seconds"] = options.WarmupSeconds,
                ["rounds_at_32"] = options.Rounds,
                ["latency_messages"] = options.LatencyCount,
                ["latency_receivers"] = options.Receivers,
                ["relay_messages"] = options.RelayCount,
                ["burst_messages"] = options.Burst,
                ["burst_timeout_seconds"] = options.BurstTimeoutSeconds,
            },
        };
        if (options.Extra is not null)
        {
            result["script"] = JsonNode.Parse(await File.ReadAllTextAsync(options.Extra));
        }
        using var sampler = StartRssSampler();
        var selfStart = Process.GetCurrentProcess().TotalProcessorTime;

        var sender = Client(options.A);
        await sender.RegisterAsync($"bench_s_{_run}", Password);
        var senderDevice = (await sender.ListDevicesAsync()).OrderBy(d => d.CreatedAt).First().Id;
        var senderId = (await sender.GetMeAsync()).Id;

        await WarmUpAsync(sender, senderDevice);

        if (options.Only == "post32")
        {
            Log("profile mode: only the 32-client POST step");
            var (profileChannel, profileConnections, profileDelivered) = await ChannelWithReceiversAsync(sender, "profile", 1);
            var (profileRow, profileCpu) = await PostThroughputAsync(sender, profileChannel, senderDevice, 32, profileDelivered, measureCpu: true);
            result["post_throughput"] = new JsonArray(profileRow);
            result["cpu_per_1000_messages"] = profileCpu;
            foreach (var connection in profileConnections)
            {
                await connection.DisposeAsync();
            }
            return result;
        }

        Log("GET /users/me throughput");
        var getMe = new JsonArray();
        foreach (var c in new[] { 1, 32 })
        {
            getMe.Add(await GetMeThroughputAsync(sender, c));
        }
        result["get_me"] = getMe;

        Log("raw inserts (pgbench) beside message POST throughput");
        var (channel, receiverConnection, delivered) = await ChannelWithReceiversAsync(sender, "throughput", 1);
        var inserts = new JsonArray();
        var posts = new JsonArray();
        JsonObject? cpu = null;
        foreach (var c in Concurrencies)
        {
            // The target's row (32 clients) alternates pgbench and POSTs several times and keeps the
            // medians: from one round to the next pgbench alone moves by a third on this machine.
            var rounds = c == 32 ? options.Rounds : 1;
            var insertRounds = new List<JsonObject>();
            var postRounds = new List<(JsonObject Row, JsonObject? Cpu)>();
            for (var round = 0; round < rounds; round++)
            {
                await VacuumAsync();
                insertRounds.Add(await PgbenchAsync(c, channel, senderId, senderDevice));
                await VacuumAsync();
                postRounds.Add(await PostThroughputAsync(sender, channel, senderDevice, c, delivered, measureCpu: c == 32));
            }
            inserts.Add(MedianRound(insertRounds, "rows_per_s"));
            var medianPost = MedianRound([.. postRounds.Select(p => p.Row)], "posts_per_s");
            posts.Add(medianPost);
            cpu = postRounds.First(p => ReferenceEquals(p.Row, medianPost)).Cpu ?? cpu;
        }
        foreach (var connection in receiverConnection)
        {
            await connection.DisposeAsync();
        }
        result["insert_baseline"] = inserts;
        result["post_throughput"] = posts;
        result["cpu_per_1000_messages"] = cpu;

        Log($"POST -> message.new over {options.LatencyCount} messages, {options.Receivers} receivers");
        result["latency"] = await LatencyAsync(sender, senderDevice);

        if (options.B is not null)
        {
            Log("federation A -> B");
            result["federation"] = await FederationAsync();
        }

        result["memory"] = Memory();
        result["load_generator_cpu_seconds"] = Math.Round((Process.GetCurrentProcess().TotalProcessorTime - selfStart).TotalSeconds, 2);
        result["load_average_end"] = ProcessCpu.LoadAverage();
        result["targets"] = Report.Targets(result);
        return result;
    }

    private D3ChatClient Client(Uri server)
    {
        if (!_http.TryGetValue(server, out var http))
        {
            http = new HttpClient(Handler, disposeHandler: false) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(60) };
            _http[server] = http;
        }
        return new D3ChatClient(http);
    }

    private static void Log(string what) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {what} (load {ProcessCpu.LoadAverage()})");

    /// <summary>A random v3 frame: the server checks only the header and the length (docs/crypto.md §4); unique, so it identifies the message at the receiver.</summary>
    private static string Frame()
    {
        Span<byte> bytes = stackalloc byte[2 + 16 + 4 + 200 + 16 + 64];
        RandomNumberGenerator.Fill(bytes);
        bytes[0] = 0x04; // CHAIN_VERSION
        bytes[1] = 0x11;
        return Convert.ToBase64String(bytes);
    }

    private static string? MessageNewContent(JsonElement e) =>
        e.TryGetProperty("type", out var type) && type.GetString() == "message.new"
            ? e.GetProperty("message").GetProperty("content").GetString()
            : null;

    private async Task<JsonObject> GetMeThroughputAsync(D3ChatClient client, int concurrency)
    {
        var latency = new Latency();
        var seconds = Math.Max(3, options.Seconds / 2);
        var elapsed = await ClosedLoopAsync(concurrency, TimeSpan.FromSeconds(seconds), async () =>
        {
            var start = Stopwatch.GetTimestamp();
            await client.GetMeAsync();
            latency.Record(start, Stopwatch.GetTimestamp());
        });
        return new JsonObject
        {
            ["concurrency"] = concurrency,
            ["requests_per_s"] = Math.Round(latency.Count / elapsed.TotalSeconds, 1),
            ["latency_ms"] = Summary(latency.Summary()),
            ["load_average"] = ProcessCpu.LoadAverage(),
        };
    }

    /// <summary>
    /// Load before the measurements: message POSTs (each delivered to one connected client) and
    /// GET /users/me from 32 clients. The runtime compiles methods fast first and optimises the hot ones
    /// later, in the background, which on two busy cores takes minutes; a service that has been up a
    /// while runs the optimised code, and that is what the throughput figures compare. Cold start is
    /// measured apart (scripts/bench).
    /// </summary>
    private async Task WarmUpAsync(D3ChatClient sender, Guid device)
    {
        if (options.WarmupSeconds == 0)
        {
            return;
        }
        Log($"warm-up: {options.WarmupSeconds} s of POSTs and GET /users/me from 32 clients (not measured)");
        var (channel, connections, delivered) = await ChannelWithReceiversAsync(sender, "warmup", 1);
        var posted = 0L;
        var turn = 0L;
        await ClosedLoopAsync(32, TimeSpan.FromSeconds(options.WarmupSeconds), async () =>
        {
            if (Interlocked.Increment(ref turn) % 4 == 0)
            {
                await sender.GetMeAsync();
                return;
            }
            await MessagePost.SendAsync(sender, channel, Frame(), device);
            Interlocked.Increment(ref posted);
        });
        await delivered.WaitForAsync(posted, DrainTimeout);
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }
    }

    /// <summary><paramref name="concurrency"/> workers each run <paramref name="step"/> back to back until the time is up.</summary>
    private static async Task<TimeSpan> ClosedLoopAsync(int concurrency, TimeSpan duration, Func<Task> step)
    {
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < deadline)
            {
                await step();
            }
        })));
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>A private channel of the sender with <paramref name="receivers"/> members, each connected through SignalR and counting <c>message.new</c>.</summary>
    private async Task<(Guid Channel, List<HubConnection> Connections, Deliveries Deliveries)> ChannelWithReceiversAsync(
        D3ChatClient sender, string name, int receivers, Action<int, string, long>? onMessage = null)
    {
        var channel = await sender.CreateChannelAsync($"bench-{name}-{_run}", isPublic: false);
        var deliveries = new Deliveries();
        var connections = new List<HubConnection>();
        for (var i = 0; i < receivers; i++)
        {
            var receiver = Client(options.A);
            var id = (await receiver.RegisterAsync($"bench_{name[..1]}{i}_{_run}", Password)).UserId;
            await sender.AddMemberAsync(channel.Id, id);
            var index = i;
            // Connect after joining: negotiate syncs the groups, so no membership event races the first message.
            connections.Add(await receiver.ConnectRealtimeAsync(e =>
            {
                var now = Stopwatch.GetTimestamp();
                if (MessageNewContent(e) is { } content)
                {
                    deliveries.Arrived(now);
                    onMessage?.Invoke(index, content, now);
                }
            }));
        }
        return (channel.Id, connections, deliveries);
    }

    private async Task<JsonObject> PgbenchAsync(int concurrency, Guid channel, Guid senderId, Guid device)
    {
        var row = new JsonObject { ["concurrency"] = concurrency };
        if (options.Postgres is null || options.Database is null)
        {
            row["skipped"] = "no --postgres/--database";
            return row;
        }
        var script = Path.Combine(Path.GetTempPath(), $"d3chat-bench-insert-{_run}.sql");
        // The same single-row INSERT into the same table the API writes, each in its own transaction.
        await File.WriteAllTextAsync(script,
            "INSERT INTO messages (id, channel_id, sender_id, sender_device_id, content, content_type, protocol_version) " +
            "VALUES (gen_random_uuid(), :channel, :sender, :device, :content, 'text', 3);\n");
        var pg = new NpgsqlConnectionStringBuilder(options.Postgres);
        var start = new ProcessStartInfo(options.Pgbench)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
                 {
                     "-n", "-M", "prepared", "-c", $"{concurrency}", "-j", $"{Math.Min(concurrency, Environment.ProcessorCount)}",
                     "-T", $"{Math.Max(3, options.Seconds / 2)}", "-f", script,
                     "-D", $"channel={channel}", "-D", $"sender={senderId}", "-D", $"device={device}", "-D", $"content={Frame()}",
                     "-h", pg.Host!, "-p", $"{pg.Port}", "-U", pg.Username!, options.Database,
                 })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["PGPASSWORD"] = pg.Password;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        File.Delete(script);
        var tps = TpsLine().Match(output);
        if (process.ExitCode != 0 || !tps.Success)
        {
            row["error"] = $"pgbench exited {process.ExitCode}: {errors.Trim()}";
            return row;
        }
        row["rows_per_s"] = Math.Round(double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture), 0);
        row["load_average"] = ProcessCpu.LoadAverage();
        return row;
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex TpsLine();

    private async Task<(JsonObject Row, JsonObject? Cpu)> PostThroughputAsync(D3ChatClient sender, Guid channel, Guid device, int concurrency,
        Deliveries delivered, bool measureCpu)
    {
        var latency = new Latency();
        var baseDelivered = delivered.Count;
        var cpu = measureCpu ? await CpuSnapshotAsync() : null;
        var started = Stopwatch.GetTimestamp();
        var elapsed = await ClosedLoopAsync(concurrency, TimeSpan.FromSeconds(options.Seconds), async () =>
        {
            var start = Stopwatch.GetTimestamp();
            await MessagePost.SendAsync(sender, channel, Frame(), device);
            latency.Record(start, Stopwatch.GetTimestamp());
        });
        var posted = latency.Count;
        var drained = await delivered.WaitForAsync(baseDelivered + posted, DrainTimeout);
        var deliveredNow = delivered.Count - baseDelivered;
        var deliverySeconds = Stopwatch.GetElapsedTime(started, delivered.LastArrival).TotalSeconds;
        var row = new JsonObject
        {
            ["concurrency"] = concurrency,
            ["posts_per_s"] = Math.Round(posted / elapsed.TotalSeconds, 1),
            ["delivered_per_s"] = Math.Round(deliveredNow / Math.Max(deliverySeconds, elapsed.TotalSeconds), 1),
            ["posted"] = posted,
            ["not_delivered"] = drained ? 0 : posted - deliveredNow,
            ["post_201_ms"] = Summary(latency.Summary()),
            ["load_average"] = ProcessCpu.LoadAverage(),
        };
        JsonObject? cpuPer1000 = null;
        if (cpu is not null)
        {
            var after = await CpuSnapshotAsync();
            cpuPer1000 = new JsonObject
            {
                ["phase"] = $"POST at concurrency {concurrency}, {options.Seconds} s, until every message was delivered",
                ["messages"] = posted,
                ["wall_seconds"] = Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 1),
            };
            var byProcess = new JsonObject();
            foreach (var (name, seconds) in after)
            {
                byProcess[name] = Math.Round((seconds - cpu.GetValueOrDefault(name)) * 1000 / Math.Max(posted, 1), 3);
            }
            cpuPer1000["cpu_seconds_by_process"] = byProcess;
            cpuPer1000["note"] = "postgres counts only the backends connected to the bench database; azurite and redis are whole processes (shared with other work when the services were already running)";
        }
        return (row, cpuPer1000);
    }

    /// <summary>CPU seconds so far of each named process, the bench database's PostgreSQL backends and this process.</summary>
    private async Task<Dictionary<string, double>> CpuSnapshotAsync()
    {
        var snapshot = new Dictionary<string, double>();
        foreach (var (name, pid) in options.Pids)
        {
            if (ProcessCpu.Seconds(pid) is { } seconds)
            {
                snapshot[name] = seconds;
            }
        }
        if (options.Postgres is not null && options.Database is not null)
        {
            var backends = 0.0;
            foreach (var pid in await BackendPidsAsync())
            {
                backends += ProcessCpu.Seconds(pid) ?? 0;
            }
            snapshot["postgres"] = backends;
        }
        snapshot["load_generator"] = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        return snapshot;
    }

    /// <summary>The round with the median <paramref name="figure"/>, with every round's figure in <c>rounds</c> when there were several.</summary>
    private static JsonObject MedianRound(List<JsonObject> rounds, string figure)
    {
        var ordered = rounds.OrderBy(r => (double?)r[figure] ?? 0).ToList();
        var median = ordered[ordered.Count / 2];
        if (rounds.Count > 1)
        {
            median["rounds"] = new JsonArray([.. rounds.Select(r => JsonValue.Create((double?)r[figure]))]);
        }
        return median;
    }

    /// <summary>
    /// VACUUM ANALYZE of the tables a message writes, between the steps that compare: each step starts
    /// on clean tables, so neither pays for the dead rows and statistics the other left (autovacuum
    /// would, in the middle of the next step, and its worker counts as a backend of the database).
    /// </summary>
    private async Task VacuumAsync()
    {
        if (options.Postgres is null || options.Database is null)
        {
            return;
        }
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(options.Postgres) { Database = options.Database }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("VACUUM (ANALYZE) messages, message_client_ids, outbox", connection) { CommandTimeout = 300 };
        await command.ExecuteNonQueryAsync();
    }

    private async Task<List<int>> BackendPidsAsync()
    {
        await using var connection = new NpgsqlConnection(options.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pid FROM pg_stat_activity WHERE datname = @db AND pid <> pg_backend_pid()", connection);
        command.Parameters.AddWithValue("db", options.Database!);
        var pids = new List<int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            pids.Add(reader.GetInt32(0));
        }
        return pids;
    }

    private async Task<JsonObject> LatencyAsync(D3ChatClient sender, Guid device)
    {
        var pending = new ConcurrentDictionary<string, Pending>();
        var allDeliveries = new Latency();
        var (channel, connections, _) = await ChannelWithReceiversAsync(sender, "latency", options.Receivers, (_, content, now) =>
        {
            if (pending.TryGetValue(content, out var p))
            {
                allDeliveries.Record(p.Start, now);
                if (Interlocked.Increment(ref p.Arrived) == options.Receivers)
                {
                    p.Done.TrySetResult(now);
                }
            }
        });
        var lastReceiver = new Latency();
        var post201 = new Latency();
        var getMe = new Latency();
        var lost = 0;
        const int warmup = 50;
        for (var i = 0; i < warmup + options.LatencyCount; i++)
        {
            var measured = i >= warmup;
            var getStart = Stopwatch.GetTimestamp();
            await sender.GetMeAsync();
            var getEnd = Stopwatch.GetTimestamp();

            var content = Frame();
            var p = new Pending(Stopwatch.GetTimestamp());
            pending[content] = p;
            await MessagePost.SendAsync(sender, channel, content, device);
            var postEnd = Stopwatch.GetTimestamp();
            var arrived = await Task.WhenAny(p.Done.Task, Task.Delay(TimeSpan.FromSeconds(30))) == p.Done.Task;
            pending.TryRemove(content, out _);
            if (!measured)
            {
                if (i == warmup - 1)
                {
                    // The handler captured the variable, so from here on it records into a fresh series.
                    allDeliveries = new Latency();
                }
                continue;
            }
            getMe.Record(getStart, getEnd);
            post201.Record(p.Start, postEnd);
            if (arrived)
            {
                lastReceiver.Record(p.Start, p.Done.Task.Result);
            }
            else
            {
                lost++;
            }
        }
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }
        return new JsonObject
        {
            ["messages"] = options.LatencyCount,
            ["receivers"] = options.Receivers,
            ["post_to_message_new_ms"] = Summary(allDeliveries.Summary()),
            ["post_to_last_receiver_ms"] = Summary(lastReceiver.Summary()),
            ["post_201_ms"] = Summary(post201.Summary()),
            ["get_me_ms"] = Summary(getMe.Summary()),
            ["lost"] = lost,
            ["load_average"] = ProcessCpu.LoadAverage(),
        };
    }

    private async Task<JsonObject> FederationAsync()
    {
        var a = Client(options.A);
        await a.RegisterAsync($"bench_fa_{_run}", Password);
        var device = (await a.ListDevicesAsync()).OrderBy(d => d.CreatedAt).First().Id;
        var b = Client(options.B!);
        var bName = $"bench_fb_{_run}";
        await b.RegisterAsync(bName, Password);
        var bOnA = (await a.LookupUserAsync($"{bName}@{options.B!.Authority}")).Id;
        var channel = await a.CreateChannelAsync($"bench-fed-{_run}", isPublic: false);
        await a.AddMemberAsync(channel.Id, bOnA);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!(await b.ListChannelsAsync()).Any(c => c.Id == channel.Id))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("B did not materialise the federated channel within 60 s");
            }
            await Task.Delay(100);
        }

        var pending = new ConcurrentDictionary<string, Pending>();
        var arrivals = new Deliveries();
        await using var connection = await b.ConnectRealtimeAsync(e =>
        {
            var now = Stopwatch.GetTimestamp();
            if (MessageNewContent(e) is { } content && pending.TryGetValue(content, out var p))
            {
                arrivals.Arrived(now);
                p.Done.TrySetResult(now);
            }
        });

        var relay = new Latency();
        var relayLost = 0;
        for (var i = 0; i < options.RelayCount; i++)
        {
            var content = Frame();
            var p = new Pending(Stopwatch.GetTimestamp());
            pending[content] = p;
            await MessagePost.SendAsync(a, channel.Id, content, device);
            if (await Task.WhenAny(p.Done.Task, Task.Delay(TimeSpan.FromSeconds(30))) == p.Done.Task)
            {
                relay.Record(p.Start, p.Done.Task.Result);
            }
            else
            {
                relayLost++;
            }
        }

        // The burst: every message posted at once (8 senders), counted as it reaches B's client. This
        // figure is bounded by A's POST rate as much as by the relay.
        var before = arrivals.Count;
        await using var storedAtB = await StoredMessages.OpenAsync(options, channel.Id);
        var burstStart = Stopwatch.GetTimestamp();
        var stored = storedAtB?.WaitForAsync(options.Burst, TimeSpan.FromSeconds(options.BurstTimeoutSeconds));
        var postedSeconds = await PostBurstAsync(a, channel.Id, device, pending, burstStart);
        var complete = await arrivals.WaitForAsync(before + options.Burst, TimeSpan.FromSeconds(options.BurstTimeoutSeconds));
        var received = arrivals.Count - before;
        var seconds = complete ? Stopwatch.GetElapsedTime(burstStart, arrivals.LastArrival).TotalSeconds : Stopwatch.GetElapsedTime(burstStart).TotalSeconds;
        var burst = new JsonObject
        {
            ["messages"] = options.Burst,
            ["posted_in_seconds"] = Math.Round(postedSeconds, 2),
            ["received"] = received,
            ["complete"] = complete,
            ["seconds"] = Math.Round(seconds, 1),
            ["received_per_s"] = Math.Round(received / seconds, 1),
        };
        await AddStoredAtBAsync(burst, stored, burstStart);
        var result = new JsonObject
        {
            ["relay_ms"] = Summary(relay.Summary()),
            ["relay_lost"] = relayLost,
            ["burst"] = burst,
        };
        if (options.Postgres is not null && options.Database is not null)
        {
            result["burst_backlog"] = await BacklogBurstAsync(a, channel.Id, device, pending, arrivals);
        }
        result["load_average"] = ProcessCpu.LoadAverage();
        return result;
    }

    /// <summary>Posts <see cref="Options.Burst"/> messages from 8 senders at once; returns the seconds it took.</summary>
    private async Task<double> PostBurstAsync(D3ChatClient a, Guid channelId, Guid device, ConcurrentDictionary<string, Pending> pending, long start)
    {
        var contents = Enumerable.Range(0, options.Burst).Select(_ => Frame()).ToList();
        foreach (var content in contents)
        {
            pending[content] = new Pending(start);
        }
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < contents.Count)
            {
                await MessagePost.SendAsync(a, channelId, contents[i], device);
            }
        })));
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>
    /// The relay on its own: A holds its deliveries to B (B backed off in A's database) while the burst
    /// is posted and relayed into A's queue, then lets them go at once; the clock runs from that moment
    /// to the last message at B's client, every event signed by A and verified by B as usual.
    /// </summary>
    private async Task<JsonObject> BacklogBurstAsync(D3ChatClient a, Guid channelId, Guid device, ConcurrentDictionary<string, Pending> pending, Deliveries arrivals)
    {
        var b = options.B!.Authority;
        var database = new NpgsqlConnectionStringBuilder(options.Postgres) { Database = options.Database }.ConnectionString;
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        // A success to B clears B's backoff, so the previous burst's last deliveries must be gone first.
        var drained = DateTime.UtcNow + TimeSpan.FromSeconds(options.BurstTimeoutSeconds);
        while (await PendingDeliveriesAsync(connection, b) > 0 && DateTime.UtcNow < drained)
        {
            await Task.Delay(100);
        }
        await ExecuteAsync(connection, """
            INSERT INTO federation_peers (domain, consecutive_failures, backoff_until) VALUES (@b, 0, now() + interval '1 hour')
            ON CONFLICT (domain) DO UPDATE SET backoff_until = now() + interval '1 hour'
            """, b);
        var before = arrivals.Count;
        var postedSeconds = await PostBurstAsync(a, channelId, device, pending, Stopwatch.GetTimestamp());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(options.BurstTimeoutSeconds);
        long queued;
        while ((queued = await QueuedMessagesAsync(connection, b)) < options.Burst && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        var heldAtB = arrivals.Count - before;
        await using var storedAtB = await StoredMessages.OpenAsync(options, channelId);
        var released = Stopwatch.GetTimestamp();
        await ExecuteAsync(connection, """
            UPDATE federation_peers SET backoff_until = NULL, consecutive_failures = 0 WHERE domain = @b;
            UPDATE federation_deliveries SET next_attempt_at = now() WHERE destination = @b AND dead_at IS NULL;
            """, b);
        var stored = storedAtB?.WaitForAsync(options.Burst, TimeSpan.FromSeconds(options.BurstTimeoutSeconds));
        var complete = await arrivals.WaitForAsync(before + options.Burst, TimeSpan.FromSeconds(options.BurstTimeoutSeconds));
        var received = arrivals.Count - before - heldAtB;
        var seconds = complete ? Stopwatch.GetElapsedTime(released, arrivals.LastArrival).TotalSeconds : Stopwatch.GetElapsedTime(released).TotalSeconds;
        var result = new JsonObject
        {
            ["messages"] = options.Burst,
            ["posted_in_seconds"] = Math.Round(postedSeconds, 2),
            ["queued_at_a"] = queued,
            ["arrived_while_held"] = heldAtB,
            ["received"] = received,
            ["complete"] = complete,
            ["seconds"] = Math.Round(seconds, 2),
            ["received_per_s"] = Math.Round(received / seconds, 1),
        };
        await AddStoredAtBAsync(result, stored, released);
        return result;
    }

    /// <summary>When B had stored the whole burst (committed, before its fanout to B's client), counted from <paramref name="start"/>.</summary>
    private async Task AddStoredAtBAsync(JsonObject burst, Task<long?>? stored, long start)
    {
        if (stored is not null && await stored is { } at)
        {
            var seconds = Stopwatch.GetElapsedTime(start, at).TotalSeconds;
            burst["stored_at_b_seconds"] = Math.Round(seconds, 2);
            burst["stored_at_b_per_s"] = Math.Round(options.Burst / seconds, 1);
        }
    }

    /// <summary>
    /// The channel's messages in B's database, counted from a baseline taken when opened: the relay's
    /// part of a burst (A's sends, B's verification and transaction) without B's fanout to its client.
    /// </summary>
    private sealed class StoredMessages(NpgsqlConnection connection, Guid channelId, long baseline) : IAsyncDisposable
    {
        private const string CountSql = "SELECT count(*) FROM messages WHERE channel_id = @channel";

        public static async Task<StoredMessages?> OpenAsync(Options options, Guid channelId)
        {
            if (options.Postgres is null || options.DatabaseB is null)
            {
                return null;
            }
            var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(options.Postgres) { Database = options.DatabaseB }.ConnectionString);
            await connection.OpenAsync();
            return new StoredMessages(connection, channelId, await CountAsync(connection, channelId));
        }

        /// <summary>The moment <paramref name="count"/> more messages than the baseline were stored (polled every 10 ms); null after the timeout.</summary>
        public async Task<long?> WaitForAsync(int count, TimeSpan timeout)
        {
            var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                if (await CountAsync(connection, channelId) >= baseline + count)
                {
                    return Stopwatch.GetTimestamp();
                }
                await Task.Delay(10);
            }
            return null;
        }

        public ValueTask DisposeAsync() => connection.DisposeAsync();

        private static async Task<long> CountAsync(NpgsqlConnection connection, Guid channelId)
        {
            await using var command = new NpgsqlCommand(CountSql, connection);
            command.Parameters.AddWithValue("channel", channelId);
            return (long)(await command.ExecuteScalarAsync())!;
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, string domain)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("b", domain);
        await command.ExecuteNonQueryAsync();
    }

    private static Task<long> PendingDeliveriesAsync(NpgsqlConnection connection, string domain) =>
        CountAsync(connection, "SELECT count(*) FROM federation_deliveries WHERE destination = @b AND dead_at IS NULL", domain);

    private static Task<long> QueuedMessagesAsync(NpgsqlConnection connection, string domain) =>
        CountAsync(connection, "SELECT count(*) FROM federation_deliveries WHERE destination = @b AND event_type = 'message.relay' AND dead_at IS NULL", domain);

    private static async Task<long> CountAsync(NpgsqlConnection connection, string sql, string domain)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("b", domain);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private JsonObject Memory()
    {
        var memory = new JsonObject { ["localhost_peak_rss_sampled_mib"] = _peakRssMiB };
        if (options.Pids.TryGetValue("localhost", out var pid))
        {
            memory["localhost_vm_hwm_mib"] = ProcessCpu.StatusMiB(pid, "VmHWM");
            memory["localhost_rss_end_mib"] = ProcessCpu.StatusMiB(pid, "VmRSS");
        }
        return memory;
    }

    private Timer StartRssSampler() => new(_ =>
    {
        if (Interlocked.Exchange(ref _peakRssSampler, 1) == 1)
        {
            return;
        }
        if (options.Pids.TryGetValue("localhost", out var pid) && ProcessCpu.StatusMiB(pid, "VmRSS") is { } rss && rss > _peakRssMiB)
        {
            _peakRssMiB = rss;
        }
        Interlocked.Exchange(ref _peakRssSampler, 0);
    }, null, TimeSpan.Zero, TimeSpan.FromMilliseconds(250));

    private static JsonObject Summary(LatencySummary s) => new()
    {
        ["count"] = s.Count,
        ["p50"] = double.IsNaN(s.P50) ? null : s.P50,
        ["p95"] = double.IsNaN(s.P95) ? null : s.P95,
        ["p99"] = double.IsNaN(s.P99) ? null : s.P99,
        ["max"] = double.IsNaN(s.Max) ? null : s.Max,
    };

    private sealed class Pending(long start)
    {
        public long Start { get; } = start;
        public int Arrived;
        public TaskCompletionSource<long> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Counts <c>message.new</c> arrivals and lets a caller wait for a total.</summary>
    private sealed class Deliveries
    {
        private long _count;
        private long _last;

        public long Count => Interlocked.Read(ref _count);

        public long LastArrival => Interlocked.Read(ref _last);

        public void Arrived(long timestamp)
        {
            Interlocked.Exchange(ref _last, timestamp);
            Interlocked.Increment(ref _count);
        }

        public async Task<bool> WaitForAsync(long total, TimeSpan timeout)
        {
            var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            while (Count < total)
            {
                if (Stopwatch.GetTimestamp() > deadline)
                {
                    return false;
                }
                await Task.Delay(20);
            }
            return true;
        }
    }
}
