using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using D3Chat.Client;

namespace D3Chat.Bench.Realtime;

/// <summary>
/// POST → <c>message.new</c> latency against a running D3Chat (it starts nothing itself).
/// User A posts messages one at a time; user B is connected through SignalR and records when each
/// one arrives. Each iteration also times one plain authenticated GET (<c>/api/v1/users/me</c>) as
/// the in-run baseline, interleaved so that load from other processes on the machine hits both
/// series alike; the ratio of the two medians is the figure to compare across machines.
/// </summary>
public static class Program
{
    private const string Usage = "usage: D3Chat.Bench.Realtime [base-url (default http://127.0.0.1:7071)] [--count N (default 1000)] [--warmup N (default 50)] [--commit SHA]";
    private static readonly TimeSpan ReceiveTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> Main(string[] args)
    {
        if (!Options.TryParse(args, out var options))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        try
        {
            await RunAsync(options);
            return 0;
        }
        catch (ApiException ex) when (ex.Status == HttpStatusCode.TooManyRequests)
        {
            Console.Error.WriteLine("The server answered 429: start it with a high rate limit, e.g. RateLimit__PerMinute=1000000 ./scripts/run");
            return 1;
        }
        catch (HttpRequestException ex)
        {
            Console.Error.WriteLine($"Cannot reach D3Chat at {options.BaseUrl}: {ex.Message}. Is it running (./scripts/run)?");
            return 1;
        }
    }

    private static async Task RunAsync(Options options)
    {
        using var httpA = new HttpClient { BaseAddress = options.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        using var httpB = new HttpClient { BaseAddress = options.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        var a = new D3ChatClient(httpA);
        var b = new D3ChatClient(httpB);
        var run = Guid.NewGuid().ToString("N")[..10];
        const string password = "bench-password-not-secret";
        await a.RegisterAsync($"bench_a_{run}", password);
        var bId = (await b.RegisterAsync($"bench_b_{run}", password)).UserId;
        var channel = await a.CreateChannelAsync($"bench-{run}", isPublic: false);
        // Channels refuse plaintext, and the server only checks a v3 frame's header and length, so a
        // random 200-byte message behind the 0x03 0x11 header stands for an encrypted one (docs/crypto.md §4).
        var frameBytes = System.Security.Cryptography.RandomNumberGenerator.GetBytes(2 + 16 + 4 + 200 + 16 + 64);
        frameBytes[0] = 0x03;
        frameBytes[1] = 0x11;
        var frame = Convert.ToBase64String(frameBytes);
        var aDevice = (await a.ListDevicesAsync()).OrderBy(d => d.CreatedAt).First().Id;
        await a.AddMemberAsync(channel.Id, bId);

        // B connects after it became a member: negotiate syncs its groups, so no membership event races the first message.
        var arrivals = new ConcurrentDictionary<string, TaskCompletionSource<long>>();
        await using var connection = await b.ConnectRealtimeAsync(e =>
        {
            var now = Stopwatch.GetTimestamp();
            if (e.TryGetProperty("type", out var type) && type.GetString() == "message.new")
            {
                var id = e.GetProperty("message").GetProperty("id").GetString()!;
                Arrival(arrivals, id).TrySetResult(now);
            }
        });

        var messages = new List<double>(options.Count);
        var posts = new List<double>(options.Count);
        var baseline = new List<double>(options.Count);
        var lost = 0;
        for (var i = 0; i < options.Warmup + options.Count; i++)
        {
            var measured = i >= options.Warmup;

            var getStart = Stopwatch.GetTimestamp();
            await a.GetMeAsync();
            var getMs = Stopwatch.GetElapsedTime(getStart).TotalMilliseconds;

            var postStart = Stopwatch.GetTimestamp();
            var message = await a.SendMessageAsync(channel.Id, frame, aDevice, protocolVersion: 3);
            var postMs = Stopwatch.GetElapsedTime(postStart).TotalMilliseconds;
            var arrival = Arrival(arrivals, message.Id.ToString());
            var received = await Task.WhenAny(arrival.Task, Task.Delay(ReceiveTimeout)) == arrival.Task;
            arrivals.TryRemove(message.Id.ToString(), out _);
            if (!measured)
            {
                continue;
            }
            baseline.Add(getMs);
            posts.Add(postMs);
            if (received)
            {
                messages.Add(Stopwatch.GetElapsedTime(postStart, arrival.Task.Result).TotalMilliseconds);
            }
            else
            {
                lost++;
            }
        }
        await connection.StopAsync();

        Report(options, messages, posts, baseline, lost);
    }

    private static TaskCompletionSource<long> Arrival(ConcurrentDictionary<string, TaskCompletionSource<long>> arrivals, string id) =>
        arrivals.GetOrAdd(id, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));

    private static void Report(Options options, List<double> messages, List<double> posts, List<double> baseline, int lost)
    {
        Console.WriteLine("D3Chat realtime benchmark: POST /api/v1/channels/{id}/messages -> message.new at another user's SignalR client");
        Console.WriteLine($"target     {options.BaseUrl}");
        Console.WriteLine($"commit     {options.Commit ?? GitCommit()}");
        Console.WriteLine($"machine    {Environment.ProcessorCount} logical CPUs, {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture}), {RuntimeInformation.FrameworkDescription}");
        Console.WriteLine($"date       {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"iterations {options.Count} measured after {options.Warmup} warm-up, sequential; message.new lost (>{ReceiveTimeout.TotalSeconds:0} s): {lost}");
        Console.WriteLine();
        Console.WriteLine($"{"series (ms)",-34} {"p50",8} {"p90",8} {"p99",8} {"max",8}");
        Line("POST -> message.new received by B", messages);
        Line("POST -> 201 response (A)", posts);
        Line("baseline GET /api/v1/users/me", baseline);
        Console.WriteLine();
        if (messages.Count > 0 && baseline.Count > 0)
        {
            Console.WriteLine($"ratio p50(message.new) / p50(baseline GET) = {Percentile(messages, 50) / Percentile(baseline, 50):0.0}");
        }
    }

    private static void Line(string name, List<double> values) =>
        Console.WriteLine(values.Count == 0
            ? $"{name,-34} (no samples)"
            : $"{name,-34} {Percentile(values, 50),8:0.00} {Percentile(values, 90),8:0.00} {Percentile(values, 99),8:0.00} {values.Max(),8:0.00}");

    /// <summary>Nearest-rank percentile.</summary>
    private static double Percentile(List<double> values, int p)
    {
        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    private static string GitCommit()
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", "rev-parse HEAD") { RedirectStandardOutput = true, RedirectStandardError = true });
            if (git is null)
            {
                return "unknown";
            }
            var sha = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 && sha.Length > 0 ? sha : "unknown (not in a git checkout; pass --commit)";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown (git not found; pass --commit)";
        }
    }

    private sealed record Options(Uri BaseUrl, int Count, int Warmup, string? Commit)
    {
        public static bool TryParse(string[] args, out Options options)
        {
            options = new Options(new Uri("http://127.0.0.1:7071"), 1000, 50, null);
            for (var i = 0; i < args.Length; i++)
            {
                var value = i + 1 < args.Length ? args[i + 1] : null;
                switch (args[i])
                {
                    case "--count" when int.TryParse(value, out var count) && count is > 0 and <= 100_000:
                        options = options with { Count = count };
                        i++;
                        break;
                    case "--warmup" when int.TryParse(value, out var warmup) && warmup is >= 0 and <= 10_000:
                        options = options with { Warmup = warmup };
                        i++;
                        break;
                    case "--commit" when !string.IsNullOrWhiteSpace(value):
                        options = options with { Commit = value };
                        i++;
                        break;
                    case var url when !url.StartsWith("--", StringComparison.Ordinal) && Uri.TryCreate(url, UriKind.Absolute, out var uri):
                        options = options with { BaseUrl = uri };
                        break;
                    default:
                        return false;
                }
            }
            return true;
        }
    }
}
