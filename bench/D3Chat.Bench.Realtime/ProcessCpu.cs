using System.Globalization;

namespace D3Chat.Bench.Realtime;

/// <summary>
/// CPU time and memory of other processes from <c>/proc</c> (Linux only): utime + stime of
/// <c>/proc/&lt;pid&gt;/stat</c>, in clock ticks of 1/100 s (USER_HZ is 100 on Linux).
/// </summary>
public static class ProcessCpu
{
    private const double TicksPerSecond = 100;

    /// <summary>CPU seconds (user + system) the process used so far, or null when it is gone.</summary>
    public static double? Seconds(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        // The command name (field 2) may contain spaces; the fields after its closing parenthesis
        // start at field 3 (state), so utime and stime (fields 14 and 15) are at indexes 11 and 12.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>A <c>/proc/&lt;pid&gt;/status</c> size field such as VmRSS or VmHWM, in MiB, or null.</summary>
    public static double? StatusMiB(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                {
                    var kib = long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    return Math.Round(kib / 1024.0, 1);
                }
            }
        }
        catch (IOException)
        {
        }
        return null;
    }

    /// <summary>The 1-minute load average of the machine (other work slows every figure).</summary>
    public static double LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }
}
