using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using D3Chat.Client;

namespace D3Chat.Integration.Tests.E2ee;

/// <summary>What the TypeScript module answered for one decrypt: the text, or its reason code.</summary>
public sealed record PeerDecrypt(bool Ok, string? Text, string? Reason);

/// <summary>
/// The TypeScript crypto module (static-web/src/crypto) running in Node through tests/crossimpl/peer.ts, spoken to
/// with one JSON line per request. A missing Node or <c>npm ci</c> in tests/crossimpl fails the test; it never skips.
/// </summary>
public sealed class TypeScriptPeer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _nextId;

    private TypeScriptPeer(Process process) => _process = process;

    public static TypeScriptPeer Start()
    {
        var directory = Path.Combine(RepoRoot(), "tests", "crossimpl");
        var tsx = Path.Combine(directory, "node_modules", ".bin", "tsx");
        if (!File.Exists(tsx))
        {
            throw new InvalidOperationException($"{tsx} is missing: run `npm ci` in tests/crossimpl (scripts/test does)");
        }
        var start = new ProcessStartInfo(tsx, "peer.ts")
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the TypeScript peer");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return new TypeScriptPeer(process);
    }

    public Task OpenAsync(string device, D3ChatClient client, TokenResponse tokens) =>
        CallAsync(new JsonObject
        {
            ["op"] = "open",
            ["device"] = device,
            ["baseUrl"] = client.Http.BaseAddress!.ToString(),
            ["accessToken"] = tokens.AccessToken,
            ["userId"] = tokens.UserId.ToString(),
            ["deviceId"] = tokens.DeviceId.ToString(),
        });

    /// <summary>Encrypts with the module; an <c>EncryptionUnavailableError</c> comes back as <see cref="PeerEncryptionException"/>.</summary>
    public async Task<(string Content, int ProtocolVersion, Guid SenderDeviceId)> EncryptAsync(string device, Guid channelId, string text)
    {
        var result = await CallAsync(new JsonObject { ["op"] = "encrypt", ["device"] = device, ["channelId"] = channelId.ToString(), ["text"] = text });
        return (result["content"]!.GetValue<string>(), result["protocolVersion"]!.GetValue<int>(), Guid.Parse(result["senderDeviceId"]!.GetValue<string>()));
    }

    public async Task<PeerDecrypt> DecryptAsync(string device, MessageResponse message)
    {
        var result = await CallAsync(new JsonObject
        {
            ["op"] = "decrypt",
            ["device"] = device,
            ["message"] = new JsonObject
            {
                ["channelId"] = message.ChannelId.ToString(),
                ["senderUserId"] = message.SenderId?.ToString(),
                ["senderDeviceId"] = message.SenderDeviceId?.ToString(),
                ["content"] = message.Content,
                ["protocolVersion"] = message.ProtocolVersion,
            },
        });
        return new PeerDecrypt(result["ok"]!.GetValue<bool>(), result["text"]?.GetValue<string>(), result["reason"]?.GetValue<string>());
    }

    public Task MembersChangedAsync(string device, Guid channelId) =>
        CallAsync(new JsonObject { ["op"] = "membersChanged", ["device"] = device, ["channelId"] = channelId.ToString() });

    public async Task<(string Digits, bool Changed)> SafetyNumberAsync(string device, Guid userId)
    {
        var result = await CallAsync(new JsonObject { ["op"] = "safetyNumber", ["device"] = device, ["userId"] = userId.ToString() });
        return (result["digits"]!.GetValue<string>(), result["changed"]!.GetValue<bool>());
    }

    private async Task<JsonNode> CallAsync(JsonObject request)
    {
        await _gate.WaitAsync();
        try
        {
            var id = ++_nextId;
            request["id"] = id;
            await _process.StandardInput.WriteLineAsync(request.ToJsonString());
            await _process.StandardInput.FlushAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var line = await _process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException($"the TypeScript peer exited (code {(_process.HasExited ? _process.ExitCode : -1)})");
            var answer = JsonNode.Parse(line)!;
            if (answer["id"]!.GetValue<int>() != id)
            {
                throw new InvalidOperationException($"the TypeScript peer answered request {answer["id"]} instead of {id}");
            }
            if (!answer["ok"]!.GetValue<bool>())
            {
                var error = answer["error"]!.GetValue<string>();
                throw error == "encryption_unavailable"
                    ? new PeerEncryptionException(answer["reason"]!.GetValue<string>())
                    : new InvalidOperationException($"TypeScript peer: {error}");
            }
            return answer["result"] ?? JsonValue.Create(0)!;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static string RepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "D3Chat.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("D3Chat.sln not found above the test assembly");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }
}

/// <summary>The TypeScript module refused to encrypt (its <c>EncryptionUnavailableError</c>), with the reason code.</summary>
public sealed class PeerEncryptionException(string reason) : Exception($"the TypeScript module cannot encrypt: {reason}")
{
    public string Reason { get; } = reason;
}
