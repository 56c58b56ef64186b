using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using D3Chat.Core.Crypto;
using D3Chat.Core.Federation;
using D3Chat.Integration.Tests.Infrastructure;
using Npgsql;

namespace D3Chat.Integration.Tests.Federation;

/// <summary>
/// A federation peer played by the test: its own Ed25519 key and domain, registered in the server's
/// <c>servers</c> table as discovery would have stored it (trust on first use), signing its requests
/// with the same <see cref="RequestSigning"/> the server uses.
/// </summary>
public sealed class TestPeer : IDisposable
{
    private TestPeer(string domain)
    {
        Domain = domain;
        Key = new ServerSigningKey(RandomNumberGenerator.GetBytes(32));
    }

    public string Domain { get; }

    public ServerSigningKey Key { get; }

    /// <summary>A new peer with a random domain, known to <paramref name="server"/>.</summary>
    public static async Task<TestPeer> RegisterAsync(D3ChatServer server)
    {
        var peer = new TestPeer($"peer-{Guid.NewGuid():N}"[..17] + ".test");
        await using var dataSource = server.CreateDataSource();
        await using var command = dataSource.CreateCommand(
            "INSERT INTO servers (id, domain, signing_key_public, api_base_url, is_local, verified, protocol_version) VALUES ($1, $2, $3, $4, false, true, 1)");
        command.Parameters.Add(new NpgsqlParameter { Value = Guid.NewGuid() });
        command.Parameters.Add(new NpgsqlParameter { Value = peer.Domain });
        command.Parameters.Add(new NpgsqlParameter { Value = peer.Key.PublicKeyBase64 });
        command.Parameters.Add(new NpgsqlParameter { Value = $"http://{peer.Domain}" });
        await command.ExecuteNonQueryAsync();
        return peer;
    }

    /// <summary>A peer the server has never heard of (discovery must find it, or fail).</summary>
    public static TestPeer Unregistered(string domain) => new(domain);

    /// <summary>An event body with the common envelope of spec §6 (origin = this peer unless overridden).</summary>
    public string Event(string type, object fields, string? eventId = null, string? origin = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["event_id"] = eventId ?? $"{type}-{Guid.NewGuid()}",
            ["type"] = type,
            ["origin_server"] = origin ?? Domain,
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"),
        };
        foreach (var property in JsonSerializer.SerializeToElement(fields).EnumerateObject())
        {
            body[property.Name] = property.Value;
        }
        return JsonSerializer.Serialize(body);
    }

    /// <summary>POSTs a signed inbox request; the hooks let a test break exactly one thing.</summary>
    public Task<HttpResponseMessage> PostInboxAsync(
        D3ChatServer server, string body, DateTimeOffset? signedAt = null, string? sendBody = null, ServerSigningKey? signWith = null,
        params string[] omitHeaders) =>
        SignedPostAsync(server, FederationHeaders.InboxPath, body, signedAt, sendBody, signWith, omitHeaders);

    /// <summary>A signed POST of <paramref name="body"/> to <paramref name="path"/> (e.g. <c>/federation/key-claim</c>).</summary>
    public async Task<HttpResponseMessage> SignedPostAsync(
        D3ChatServer server, string path, string body, DateTimeOffset? signedAt = null, string? sendBody = null, ServerSigningKey? signWith = null,
        params string[] omitHeaders)
    {
        var timestamp = RequestSigning.FormatTimestamp(signedAt ?? DateTimeOffset.UtcNow);
        var headers = RequestSigning.Sign(signWith ?? Key, Domain, "POST", path, timestamp, Encoding.UTF8.GetBytes(body));
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(sendBody ?? body)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        AddHeaders(request, headers, omitHeaders);
        return await Send(server, request);
    }

    public Task<HttpResponseMessage> GetUserLookupAsync(D3ChatServer server, string username) =>
        SignedGetAsync(server, $"{FederationHeaders.UserLookupPath}?username={username}");

    /// <summary>A signed GET of <paramref name="path"/>; <paramref name="signWith"/> lets a test sign with the wrong key.</summary>
    public async Task<HttpResponseMessage> SignedGetAsync(D3ChatServer server, string path, ServerSigningKey? signWith = null)
    {
        var headers = RequestSigning.Sign(signWith ?? Key, Domain, "GET", path, RequestSigning.FormatTimestamp(DateTimeOffset.UtcNow), []);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        AddHeaders(request, headers, []);
        return await Send(server, request);
    }

    private static void AddHeaders(HttpRequestMessage request, SignedHeaders headers, string[] omit)
    {
        foreach (var (name, value) in new[]
                 {
                     (FederationHeaders.Origin, headers.Origin),
                     (FederationHeaders.Timestamp, headers.Timestamp),
                     (FederationHeaders.Signature, headers.Signature),
                 })
        {
            if (!omit.Contains(name))
            {
                request.Headers.Add(name, value);
            }
        }
    }

    private static async Task<HttpResponseMessage> Send(D3ChatServer server, HttpRequestMessage request)
    {
        using var http = new HttpClient { BaseAddress = server.Host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    public void Dispose() => Key.Dispose();
}
