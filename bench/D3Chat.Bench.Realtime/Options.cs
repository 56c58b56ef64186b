using System.Globalization;

namespace D3Chat.Bench.Realtime;

/// <summary>Command line of the load generator; scripts/bench passes all of it.</summary>
public sealed record Options
{
    public const string Usage = """
        usage: D3Chat.Bench.Realtime --a URL [--b URL] --out FILE.json [--markdown FILE.md]
          [--postgres ADMIN-CONNSTR --database NAME [--database-b NAME] [--pgbench PATH]] [--pid NAME=PID ...] [--extra FILE.json]
          [--seconds N (10)] [--warmup SECONDS (30)] [--rounds N (3)] [--latency-count N (1000)] [--receivers N (10)] [--relay-count N (50)]
          [--burst N (1000)] [--burst-timeout SECONDS (120)] [--commit SHA]
          [--only post32 (just the 32-client POST step, for profiling)]
        """;

    public Uri A { get; init; } = new("http://127.0.0.1:7071");
    public Uri? B { get; init; }
    public string Out { get; init; } = "";
    public string? Markdown { get; init; }
    public string? Postgres { get; init; }
    public string? Database { get; init; }

    /// <summary>B's database: the federation bursts also time when B has stored every message (before its fanout).</summary>
    public string? DatabaseB { get; init; }
    public string Pgbench { get; init; } = "pgbench";
    public Dictionary<string, int> Pids { get; } = [];
    public string? Extra { get; init; }
    public int Seconds { get; init; } = 10;

    /// <summary>Seconds of load before anything is measured, so the figures are the JIT's steady state.</summary>
    public int WarmupSeconds { get; init; } = 30;

    /// <summary>pgbench/POST rounds at 32 clients, the target's row; the medians are reported.</summary>
    public int Rounds { get; init; } = 3;
    public int LatencyCount { get; init; } = 1000;
    public int Receivers { get; init; } = 10;
    public int RelayCount { get; init; } = 50;
    public int Burst { get; init; } = 1000;
    public int BurstTimeoutSeconds { get; init; } = 120;
    public string Commit { get; init; } = "unknown";

    /// <summary>post32: only the 32-client POST step (scripts/bench's profile mode); null: everything.</summary>
    public string? Only { get; init; }

    public static Options? Parse(string[] args)
    {
        var options = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            if (i + 1 >= args.Length)
            {
                return null;
            }
            var value = args[++i];
            switch (args[i - 1])
            {
                case "--a": options = options with { A = new Uri(value) }; break;
                case "--b": options = options with { B = new Uri(value) }; break;
                case "--out": options = options with { Out = value }; break;
                case "--markdown": options = options with { Markdown = value }; break;
                case "--postgres": options = options with { Postgres = value }; break;
                case "--database": options = options with { Database = value }; break;
                case "--database-b": options = options with { DatabaseB = value }; break;
                case "--pgbench": options = options with { Pgbench = value }; break;
                case "--extra": options = options with { Extra = value }; break;
                case "--commit": options = options with { Commit = value }; break;
                case "--only" when value == "post32": options = options with { Only = value }; break;
                case "--seconds": options = options with { Seconds = Positive(value) }; break;
                case "--warmup": options = options with { WarmupSeconds = NotNegative(value) }; break;
                case "--rounds": options = options with { Rounds = Positive(value) }; break;
                case "--latency-count": options = options with { LatencyCount = Positive(value) }; break;
                case "--receivers": options = options with { Receivers = Positive(value) }; break;
                case "--relay-count": options = options with { RelayCount = Positive(value) }; break;
                case "--burst": options = options with { Burst = Positive(value) }; break;
                case "--burst-timeout": options = options with { BurstTimeoutSeconds = Positive(value) }; break;
                case "--pid":
                    var parts = value.Split('=', 2);
                    if (parts.Length != 2 || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var pid))
                    {
                        return null;
                    }
                    options.Pids[parts[0]] = pid;
                    break;
                default:
                    return null;
            }
        }
        return options.Out.Length == 0 ? null : options;
    }

    private static int NotNegative(string value) =>
        int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n : throw new FormatException($"'{value}' is not a number of 0 or more");

    private static int Positive(string value) =>
        int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new FormatException($"'{value}' is not a positive number");
}
