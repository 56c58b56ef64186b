using System.Diagnostics;
using HdrHistogram;

namespace D3Chat.Bench.Realtime;

/// <summary>Percentiles of one series, in milliseconds.</summary>
public sealed record LatencySummary(long Count, double P50, double P95, double P99, double Max);

/// <summary>
/// A thread-safe latency series on an HdrHistogram (microsecond resolution, 3 significant digits,
/// up to 10 minutes), so recording costs a few nanoseconds and no sample list grows with the run.
/// </summary>
public sealed class Latency
{
    private static readonly long MaxMicroseconds = (long)TimeSpan.FromMinutes(10).TotalMicroseconds;
    private readonly LongHistogram _histogram = new(1, MaxMicroseconds, 3);
    private readonly Lock _lock = new();

    public long Count
    {
        get
        {
            lock (_lock)
            {
                return _histogram.TotalCount;
            }
        }
    }

    /// <summary>Records the time from <paramref name="startTimestamp"/> (a <see cref="Stopwatch"/> timestamp) to <paramref name="endTimestamp"/>.</summary>
    public void Record(long startTimestamp, long endTimestamp) =>
        RecordMicroseconds((long)Stopwatch.GetElapsedTime(startTimestamp, endTimestamp).TotalMicroseconds);

    public void RecordMicroseconds(long microseconds)
    {
        var value = Math.Clamp(microseconds, 1, MaxMicroseconds);
        lock (_lock)
        {
            _histogram.RecordValue(value);
        }
    }

    public LatencySummary Summary()
    {
        lock (_lock)
        {
            if (_histogram.TotalCount == 0)
            {
                return new LatencySummary(0, double.NaN, double.NaN, double.NaN, double.NaN);
            }
            return new LatencySummary(_histogram.TotalCount, Ms(_histogram.GetValueAtPercentile(50)), Ms(_histogram.GetValueAtPercentile(95)),
                Ms(_histogram.GetValueAtPercentile(99)), Ms(_histogram.GetMaxValue()));
        }
    }

    private static double Ms(long microseconds) => Math.Round(microseconds / 1000.0, 2);
}
