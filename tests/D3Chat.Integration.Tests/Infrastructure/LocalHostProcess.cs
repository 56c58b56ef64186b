using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace D3Chat.Integration.Tests.Infrastructure;

/// <summary>
/// One D3Chat.LocalHost child process on a free loopback port, with its settings given as
/// environment variables (they override local.settings.sample.json, as in Azure).
/// </summary>
public sealed class LocalHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private bool _disposed;

    private LocalHostProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>What the process printed so far; included in failures to make them diagnosable.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <param name="port">A fixed port (e.g. to restart a server where peers know it); a free one when null.</param>
    public static async Task<LocalHostProcess> StartAsync(IReadOnlyDictionary<string, string> settings, bool waitForHealthy = true, int? port = null)
    {
        port ??= FreePort();
        var dll = Path.Combine(TestEnvironment.RepoRoot, "src", "D3Chat.LocalHost", "bin", TestEnvironment.BuildConfiguration, "net10.0", "D3Chat.LocalHost.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} does not exist; build the solution first.");
        }
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            // Where scripts/run and scripts/bench start it from: the LocalHost must not depend on it.
            WorkingDirectory = TestEnvironment.RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["LocalHost__RepoRoot"] = TestEnvironment.RepoRoot;
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the LocalHost.");
        var host = new LocalHostProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await host.WaitUntilListeningAsync(waitForHealthy);
        return host;
    }

    private async Task WaitUntilListeningAsync(bool healthy)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                // HasExited can turn true before the output readers have seen the last lines; this waits for them.
                await _process.WaitForExitAsync();
                throw new InvalidOperationException($"The LocalHost exited with code {_process.ExitCode}:\n{Output}");
            }
            try
            {
                using var response = await http.GetAsync("/health");
                if (!healthy || response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"The LocalHost did not become {(healthy ? "healthy" : "reachable")} within 90 s:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        // Idempotent: a stopped server (D3ChatServer.StopAsync) is disposed again on restart or at the end.
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        await SaveOutputAsync();
    }

    /// <summary>
    /// With <c>D3CHAT_TEST_LOCALHOST_LOGS</c> set (scripts/test sets it), the whole output goes to a file
    /// there, so the test command can fail on any unhandled exception a request hit (a 500 is a bug
    /// even when the test that caused it did not look at the status).
    /// </summary>
    private async Task SaveOutputAsync()
    {
        if (Environment.GetEnvironmentVariable("D3CHAT_TEST_LOCALHOST_LOGS") is not { Length: > 0 } directory)
        {
            return;
        }
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, $"localhost-{BaseAddress.Port}-{DateTime.UtcNow:HHmmss.fff}-{Guid.NewGuid():N}.log");
        await File.WriteAllTextAsync(file, Output);
    }
}
