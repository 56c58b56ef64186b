using System.Text.Json;
using D3Chat.Client.Crypto;

namespace D3Chat.Client.Tests;

/// <summary>
/// Reads one shared vector file of <c>tests/vectors</c> (the only file access of this suite). The TypeScript suite
/// checks the same files; neither side regenerates them here.
/// </summary>
public sealed class Vectors
{
    private Vectors(JsonDocument document) => Document = document;

    public JsonDocument Document { get; }

    public IReadOnlyList<JsonElement> Tests => Document.RootElement.GetProperty("tests").EnumerateArray().ToList();

    public static Vectors Load(string name, int expectedCount)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "D3Chat.sln")))
        {
            directory = directory.Parent;
        }
        Assert.NotNull(directory);
        var vectors = new Vectors(JsonDocument.Parse(File.ReadAllText(Path.Combine(directory.FullName, "tests", "vectors", name))));
        Assert.Equal(expectedCount, vectors.Document.RootElement.GetProperty("numberOfTests").GetInt32());
        Assert.Equal(expectedCount, vectors.Tests.Count);
        return vectors;
    }

    /// <summary>
    /// Runs <paramref name="check"/> on every entry of a vector file and asserts that all
    /// <paramref name="expectedCount"/> entries were checked (pinned, as both suites pin them).
    /// </summary>
    public static void CheckEach(string name, int expectedCount, Action<JsonElement> check)
    {
        var checkedCount = 0;
        foreach (var test in Load(name, expectedCount).Tests)
        {
            check(test);
            checkedCount++;
        }
        Assert.Equal(expectedCount, checkedCount);
    }
}

public static class VectorJson
{
    public static byte[] Hex(this JsonElement e, string name) => Bytes.FromHex(e.GetProperty(name).GetString()!);

    public static byte[]? HexOrNull(this JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? Bytes.FromHex(v.GetString()!) : null;

    public static string Str(this JsonElement e, string name) => e.GetProperty(name).GetString()!;

    public static Guid Id(this JsonElement e, string name) => Guid.Parse(e.Str(name));

    public static uint U32(this JsonElement e, string name) => e.GetProperty(name).GetUInt32();

    public static bool Valid(this JsonElement e) => e.Str("result") == "valid";

    public static string Op(this JsonElement e) => e.Str("operation");

    /// <summary>A private key as the vectors carry it: PKCS#8 (checked against the scalar <c>d</c> and the public point).</summary>
    public static EcKeyPair? Key(this JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var key) || key.ValueKind != JsonValueKind.Object || key.GetProperty("pkcs8").ValueKind != JsonValueKind.String)
        {
            return null;
        }
        var pair = EcKeyPair.FromPkcs8(key.Hex("pkcs8"));
        Assert.Equal(key.Str("public"), Bytes.ToHex(pair.PublicKey));
        Assert.Equal(key.Str("public"), Bytes.ToHex(EcKeyPair.FromPrivateScalar(key.Hex("d")).PublicKey));
        return pair;
    }

    /// <summary>A chain signing key as the vectors carry it: the Ed25519 seed, checked against its PKCS#8 (RFC 8410) and public key.</summary>
    public static ChainSigningKey ChainKey(this JsonElement e, string name)
    {
        var key = e.GetProperty(name);
        var signing = ChainSigningKey.FromSeed(key.Hex("seed"));
        Assert.Equal(key.Str("pkcs8"), "302e020100300506032b657004220420" + key.Str("seed"));
        Assert.Equal(key.Str("public"), Bytes.ToHex(signing.PublicKey));
        return signing;
    }

    public static byte[]? PublicOf(this JsonElement e, string name) =>
        e.TryGetProperty(name, out var key) && key.ValueKind == JsonValueKind.Object ? key.Hex("public") : null;
}
