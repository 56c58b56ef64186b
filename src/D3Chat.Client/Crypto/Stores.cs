using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace D3Chat.Client.Crypto;

/// <summary>
/// Everything one device knows (docs/crypto.md §8 ProtocolStore): its keys, its pairwise sessions by peer device, its own
/// chains by channel, the chains it received by chain id (hex), and the safety-number digest remembered per contact.
/// Immutable: an operation builds the next value and it is saved only once the operation succeeded.
/// </summary>
public sealed record ProtocolState(
    int Version,
    Guid UserId,
    Guid DeviceId,
    DeviceKeys? Keys,
    bool KeysUploaded,
    IReadOnlyDictionary<Guid, PeerSessions> Sessions,
    IReadOnlyDictionary<Guid, OwnChain> OwnChains,
    IReadOnlyDictionary<string, ReceivedChain> ReceivedChains,
    IReadOnlyDictionary<Guid, byte[]> ContactDigests)
{
    /// <summary>2: chain signing keys are Ed25519 (CHAIN_VERSION 0x04). Version 1 held P-256 ECDSA chains.</summary>
    public const int CurrentVersion = 2;

    public static ProtocolState Empty(Guid userId, Guid deviceId) =>
        new(CurrentVersion, userId, deviceId, null, false,
            new Dictionary<Guid, PeerSessions>(), new Dictionary<Guid, OwnChain>(),
            new Dictionary<string, ReceivedChain>(), new Dictionary<Guid, byte[]>());
}

/// <summary>Where a device's <see cref="ProtocolState"/> lives. Implementations must replace it atomically.</summary>
public interface IProtocolStore
{
    Task<ProtocolState?> LoadAsync(Guid deviceId, CancellationToken ct = default);

    Task SaveAsync(ProtocolState state, CancellationToken ct = default);

    /// <summary>Logout: every key, session and chain of the device is gone.</summary>
    Task WipeAsync(Guid deviceId, CancellationToken ct = default);
}

/// <summary>Keeps states in memory (tests, short-lived bots). The states are immutable, so no copy is needed.</summary>
public sealed class InMemoryProtocolStore : IProtocolStore
{
    private readonly Dictionary<Guid, ProtocolState> _states = [];
    private readonly Lock _gate = new();

    public Task<ProtocolState?> LoadAsync(Guid deviceId, CancellationToken ct = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_states.GetValueOrDefault(deviceId));
        }
    }

    public Task SaveAsync(ProtocolState state, CancellationToken ct = default)
    {
        lock (_gate)
        {
            _states[state.DeviceId] = state;
        }
        return Task.CompletedTask;
    }

    public Task WipeAsync(Guid deviceId, CancellationToken ct = default)
    {
        lock (_gate)
        {
            _states.Remove(deviceId);
        }
        return Task.CompletedTask;
    }
}

/// <summary>
/// The default store: one JSON file per device (<c>{deviceId}.json</c>) under a directory the caller keeps private.
/// A save writes a temporary file, flushes it to disk and renames it over the old one, so a crash leaves the old or the new state, never half of one.
/// </summary>
public sealed class FileProtocolStore(string directory) : IProtocolStore
{
    public async Task<ProtocolState?> LoadAsync(Guid deviceId, CancellationToken ct = default)
    {
        var path = PathOf(deviceId);
        if (!File.Exists(path))
        {
            return null;
        }
        JsonObject json;
        await using (var stream = File.OpenRead(path))
        {
            json = await JsonNode.ParseAsync(stream, cancellationToken: ct) as JsonObject
                ?? throw new InvalidDataException($"{path} holds no protocol state");
        }
        var version = json["version"]?.GetValue<int>();
        if (version == 1)
        {
            // Version 1 chains are P-256 ECDSA: no message of theirs is accepted any more (legacy_protocol), so they are
            // dropped; keys and sessions carry over and the next send starts an Ed25519 chain.
            json["ownChains"] = new JsonObject();
            json["receivedChains"] = new JsonObject();
            json["version"] = version = ProtocolState.CurrentVersion;
        }
        return version == ProtocolState.CurrentVersion
            ? json.Deserialize<ProtocolState>(StateJson.Options) ?? throw new InvalidDataException($"{path} holds no protocol state")
            : throw new InvalidDataException($"{path} has state version {version}; this client reads {ProtocolState.CurrentVersion}");
    }

    public async Task SaveAsync(ProtocolState state, CancellationToken ct = default)
    {
        Directory.CreateDirectory(directory);
        var path = PathOf(state.DeviceId);
        var temporary = path + ".tmp";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            await JsonSerializer.SerializeAsync(stream, state, StateJson.Options, ct);
            await stream.FlushAsync(ct);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    public Task WipeAsync(Guid deviceId, CancellationToken ct = default)
    {
        File.Delete(PathOf(deviceId));
        File.Delete(PathOf(deviceId) + ".tmp");
        return Task.CompletedTask;
    }

    private string PathOf(Guid deviceId) => Path.Combine(directory, deviceId.ToString("D") + ".json");
}

/// <summary>
/// How a <see cref="ProtocolState"/> is written: P-256 key pairs as their PKCS#8 bytes, chain signing keys as their Ed25519
/// seed, byte strings as base64.
/// </summary>
public static class StateJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new EcKeyPairConverter(), new ChainSigningKeyConverter() },
    };

    private sealed class ChainSigningKeyConverter : JsonConverter<ChainSigningKey>
    {
        public override ChainSigningKey Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            ChainSigningKey.FromSeed(reader.GetBytesFromBase64());

        public override void Write(Utf8JsonWriter writer, ChainSigningKey value, JsonSerializerOptions options) =>
            writer.WriteBase64StringValue(value.Seed);
    }

    private sealed class EcKeyPairConverter : JsonConverter<EcKeyPair>
    {
        public override EcKeyPair Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            EcKeyPair.FromPkcs8(reader.GetBytesFromBase64());

        public override void Write(Utf8JsonWriter writer, EcKeyPair value, JsonSerializerOptions options) =>
            writer.WriteBase64StringValue(value.Pkcs8);
    }
}
