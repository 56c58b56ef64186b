using System.Data.Common;
using System.Net;

namespace D3Chat.LocalHost;

/// <summary>
/// The committed sample settings hold secrets anyone can read (the federation signing seed, the
/// SignalR emulator's access key). They are fine on loopback; on any other address they would let
/// anyone impersonate the server or mint realtime tokens, so the LocalHost refuses to start.
/// </summary>
internal static class SampleSecrets
{
    /// <summary>Why the LocalHost must not start with <paramref name="configuration"/>, or null when it may.</summary>
    public static string? Problem(IConfiguration configuration, string repoRoot)
    {
        var urls = (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var exposed = urls.FirstOrDefault(url => !IsLoopback(url));
        if (exposed is null)
        {
            return null;
        }
        var sample = LocalSettings.LoadFile(Path.Combine(repoRoot, LocalSettings.SampleFile));
        var reused = new List<string>();
        if (Same(sample, configuration, "Federation:SigningKeySeed", v => v))
        {
            reused.Add("Federation__SigningKeySeed");
        }
        if (Same(sample, configuration, "SignalR:ConnectionString", AccessKey))
        {
            reused.Add("the AccessKey of SignalR__ConnectionString");
        }
        return reused.Count == 0 ? null
            : $"The LocalHost listens on {exposed}, which is not a loopback address, with the committed sample's {string.Join(" and ", reused)}. " +
              "Set your own secrets (see README, Configuration) or listen on 127.0.0.1 only.";
    }

    private static bool IsLoopback(string url)
    {
        var start = url.IndexOf("://", StringComparison.Ordinal);
        var authority = start < 0 ? url : url[(start + 3)..];
        var host = authority.StartsWith('[') ? authority[1..Math.Max(1, authority.IndexOf(']'))] : authority.Split(':', '/')[0];
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }

    private static bool Same(IReadOnlyDictionary<string, string?> sample, IConfiguration configuration, string key, Func<string, string?> secretOf) =>
        sample.TryGetValue(key, out var committed) && committed is not null && secretOf(committed) is { Length: > 0 } secret
        && configuration[key] is { } actual && secretOf(actual) == secret;

    private static string? AccessKey(string connectionString)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return builder.TryGetValue("AccessKey", out var key) ? key as string : null;
    }
}
