using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using D3Chat.Core.Crypto;
using D3Chat.Core.Federation;
using D3Chat.Core.Http;
using D3Chat.Integration.Tests.Federation;
using D3Chat.Integration.Tests.Infrastructure;
using Dapper;
using Xunit.Abstractions;

namespace D3Chat.Integration.Tests.Security;

/// <summary>
/// Issue 12 item 12, the federation adversarial run: well over 1,000 forged requests against the
/// federation routes (inbox, key claim, user lookup, key bundles) and the user lookup that makes the
/// server fetch from a peer: unsigned, tampered body or signature, replayed, stale, future, wrong
/// origin, oversize, naming local or third-party devices, and naming hosts the server must never
/// contact. Each is answered with its exact status and detail, none stores or changes anything
/// (row counts of every table and a checksum of messages, members and remote devices, around each
/// request), and a listener on every local address of one port counts zero connections.
/// The server runs with an empty private-host allow-list, as in production.
/// </summary>
[Collection(SecuritySuitesCollection.Name)]
public sealed class FederationAdversarialTests(ITestOutputHelper output) : IAsyncLifetime
{
    public const int Seed = 20261204;

    private const string Inbox = "/federation/inbox";
    private const string KeyClaim = "/federation/key-claim";

    private const string ChecksumSql = """
        SELECT md5(coalesce((SELECT string_agg(id::text || content || coalesce(edited_at::text, ''), ',' ORDER BY id) FROM messages), '')
                || coalesce((SELECT string_agg(channel_id::text || user_id::text || coalesce(role, ''), ',' ORDER BY channel_id, user_id) FROM channel_members), '')
                || coalesce((SELECT string_agg(device_id::text || user_id::text || identity_key, ',' ORDER BY device_id) FROM remote_devices), ''))
        """;

    private readonly Random _random = new(Seed);
    private readonly List<(string Category, int Status)> _sent = [];
    private readonly List<string> _failures = [];
    private D3ChatServer _server = null!;
    private ConnectionCounter _listener = null!;
    private TableCounts _counts = null!;
    private TestPeer _peer = null!;
    private TestPeer _thirdParty = null!;
    private TestUser _local = null!;
    private Guid _channelId;
    private string _peerUser = "";
    private string _thirdPartyUser = "";
    private Guid _thirdPartyDevice;
    private HttpClient _http = null!;

    // The listener's control: connections the test itself opens, proving it would count the server's.
    private const int ControlConnections = 3;

    public async Task InitializeAsync()
    {
        _listener = new ConnectionCounter();
        foreach (var address in new[] { "127.0.0.1", "127.0.0.2", "::1" })
        {
            using var control = new System.Net.Sockets.TcpClient(System.Net.IPAddress.Parse(address).AddressFamily);
            await control.ConnectAsync(System.Net.IPAddress.Parse(address), _listener.Port);
        }
        var counted = Stopwatch.StartNew();
        while (_listener.Connections < ControlConnections && counted.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }
        Assert.Equal(ControlConnections, _listener.Connections);
        _server = await D3ChatServer.StartAsync(new Dictionary<string, string>
        {
            ["Federation__AllowPrivateHosts"] = "",
            // The run is ~1,000 requests from one origin in under a minute; the limit itself is InboxTests' subject.
            ["Federation__InboxRatePerMinute"] = "1000000",
        });
        // Non-ASCII header values go out as raw UTF-8, as a hostile peer would send them.
        _http = new HttpClient(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 })
        {
            BaseAddress = _server.Host.BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
        _counts = new TableCounts(_server);
        _peer = await TestPeer.RegisterAsync(_server);
        _thirdParty = await TestPeer.RegisterAsync(_server);
        _local = await TestUser.NewAsync(_server);
        (_channelId, _peerUser) = await InviteAsync(_peer, _local.Client);
        (_, _thirdPartyUser) = await InviteAsync(_thirdParty, (await TestUser.NewAsync(_server)).Client);
        _thirdPartyDevice = Guid.NewGuid();
        await using var data = _server.CreateDataSource();
        await using var connection = await data.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO remote_devices (device_id, user_id, identity_key, signed_pre_key, signed_pre_key_signature, fetched_at)
            SELECT @Device, id, 'ik', 'spk', 'sig', now() FROM users WHERE username = @Username AND server_domain = @Domain
            """, new { Device = _thirdPartyDevice, Username = _thirdPartyUser, _thirdParty.Domain });
        // A message of the third party's user in its channel, which the peer must not be able to edit or delete.
        using var relayed = await SendAsync(Signed(_thirdParty, "POST", Inbox, Relay(_thirdParty, _thirdPartyUser, Guid.NewGuid(), "third-party-message")));
        Assert.Equal(200, (int)relayed.StatusCode);
        await SettleAsync();
    }

    /// <summary>
    /// Waits until the setup's own background work (deliveries of the invite's join to the peers,
    /// which cannot be reached, and their backoff rows) is done: the counts then stay put for 3 s.
    /// </summary>
    private async Task SettleAsync()
    {
        var last = await SnapshotAsync();
        var stable = Stopwatch.StartNew();
        var deadline = Stopwatch.StartNew();
        while (stable.Elapsed < TimeSpan.FromSeconds(3) && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(250);
            var now = await SnapshotAsync();
            if (TableCounts.Difference(last.Counts, now.Counts).Length > 0 || now.Checksum != last.Checksum)
            {
                stable.Restart();
            }
            last = now;
        }
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _counts.DisposeAsync();
        _peer.Dispose();
        _thirdParty.Dispose();
        _listener.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task AdversarialRun_NothingAccepted_NothingStored_NoDisallowedConnection()
    {
        var clock = Stopwatch.StartNew();
        var routes = Routes();

        // Unsigned: each header missing, and all of them.
        foreach (var route in routes)
        {
            foreach (var omit in new[] { FederationHeaders.Origin, FederationHeaders.Timestamp, FederationHeaders.Signature, "all" })
            {
                var request = Signed(_peer, route.Method, route.Path, route.Body());
                request.Omit = omit == "all" ? [FederationHeaders.Origin, FederationHeaders.Timestamp, FederationHeaders.Signature] : [omit];
                await ExpectAsync("unsigned", request, 401, "Missing federation headers");
            }
        }

        // Tampered body: bytes changed, added or removed after signing.
        foreach (var route in routes.Where(r => r.Method == "POST"))
        {
            for (var i = 0; i < 25; i++)
            {
                var request = Signed(_peer, route.Method, route.Path, route.Body());
                request.SentBody = Tamper(request.SignedBody);
                await ExpectAsync("tampered body", request, 401, "Invalid signature");
            }
        }

        // Tampered signature, or a signature made for something else.
        foreach (var route in routes)
        {
            for (var i = 0; i < 6; i++)
            {
                var request = Signed(_peer, route.Method, route.Path, route.Body());
                var signature = Convert.FromBase64String(request.Signature!);
                signature[_random.Next(signature.Length)] ^= (byte)(1 << _random.Next(8));
                request.Signature = Convert.ToBase64String(signature);
                await ExpectAsync("tampered signature", request, 401, "Invalid signature");
            }
            var variants = new (string What, Func<ForgedRequest, string> Signature)[]
            {
                ("truncated", r => r.Signature![..20]),
                ("not base64", r => "!!!not-base64!!!"),
                ("64 zero bytes", _ => Convert.ToBase64String(new byte[64])),
                ("10 kB", _ => Convert.ToBase64String(new byte[7_500])),
                ("other peer's key", r => Sign(_thirdParty.Key, r)),
                ("signed for another path", r => RequestSigning.Sign(_peer.Key, _peer.Domain, r.Method, r.Path == Inbox ? KeyClaim : Inbox, r.Timestamp!, r.SignedBody).Signature),
                ("signed for another method", r => RequestSigning.Sign(_peer.Key, _peer.Domain, r.Method == "GET" ? "POST" : "GET", r.Path, r.Timestamp!, r.SignedBody).Signature),
                ("signed for another timestamp", r => RequestSigning.Sign(_peer.Key, _peer.Domain, r.Method, r.Path, RequestSigning.FormatTimestamp(DateTimeOffset.UtcNow.AddSeconds(-5)), r.SignedBody).Signature),
            };
            foreach (var (_, signature) in variants)
            {
                var request = Signed(_peer, route.Method, route.Path, route.Body());
                request.Signature = signature(request);
                await ExpectAsync("tampered signature", request, 401, "Invalid signature");
            }
        }

        // Replayed: a processed event sent again byte for byte is acknowledged as a duplicate and changes nothing.
        foreach (var route in routes.Where(r => r.Path == Inbox))
        {
            var original = Signed(_peer, route.Method, route.Path, route.Body());
            using (var first = await SendAsync(original))
            {
                _sent.Add(("baseline (genuine, accepted)", (int)first.StatusCode));
                Assert.Equal(200, (int)first.StatusCode);
            }
            for (var i = 0; i < 8; i++)
            {
                await ExpectAsync("replayed", original, 200, "duplicate");
            }
            var elsewhere = original.Copy();
            elsewhere.Path = KeyClaim;
            await ExpectAsync("replayed", elsewhere, 401, "Invalid signature");
        }

        // Replayed key claim: each copy would hand out another one-time key, so only the first is answered
        // (here refused: the peer shares no channel with the local user; KeyClaimTests shows the accepted case).
        {
            var claim = Signed(_peer, "POST", KeyClaim, KeyClaimBody());
            using (var first = await SendAsync(claim))
            {
                _sent.Add(("baseline (genuine, refused)", (int)first.StatusCode));
                Assert.Equal(403, (int)first.StatusCode);
            }
            for (var i = 0; i < 8; i++)
            {
                await ExpectAsync("replayed", claim, 409, Problem.FederationRequestReplayed.Detail);
            }
        }

        // Stale and future timestamps (correctly signed), and timestamps that are not numbers.
        var offsets = new[] { -301d, -302, -600, -3600, -86_400, -315_360_000, 301, 302, 600, 3600, 86_400, 3_153_600_000 };
        var absolute = new[] { "0", "-1", "1e15", "-1e15", "99999999999999999999" };
        var unparsable = new[] { "abc", "1,5", "NaN", "Infinity", "0x10", "\uff19\uff19", "1e400", "--1", "2026-12-04T17:00:00Z" };
        foreach (var route in routes)
        {
            foreach (var offset in offsets)
            {
                await ExpectAsync(offset < 0 ? "stale timestamp" : "future timestamp",
                    Signed(_peer, route.Method, route.Path, route.Body(), RequestSigning.FormatTimestamp(DateTimeOffset.UtcNow.AddSeconds(offset))),
                    401, "Request outside replay window");
            }
            foreach (var timestamp in absolute)
            {
                await ExpectAsync(timestamp.StartsWith('-') || timestamp == "0" ? "stale timestamp" : "future timestamp",
                    Signed(_peer, route.Method, route.Path, route.Body(), timestamp), 401, "Request outside replay window");
            }
            foreach (var timestamp in unparsable)
            {
                await ExpectAsync("stale timestamp", Signed(_peer, route.Method, route.Path, route.Body(), timestamp), 401, "Invalid timestamp");
            }
        }

        // Wrong origin: another registered peer's name, our own domain in any spelling, unknown or malformed names, a body naming someone else.
        var own = _server.Settings["Server__Domain"];
        var wrongOrigins = new (string Origin, string Detail)[]
        {
            (_thirdParty.Domain, "Invalid signature"), (_thirdParty.Domain.ToUpperInvariant(), "Invalid signature"),
            (own, "Could not verify origin server"), (own.ToUpperInvariant(), "Could not verify origin server"), (own + ".", "Could not verify origin server"),
            (own + ":443", "Could not verify origin server"), ("unknown-peer.invalid", "Could not verify origin server"),
            ("' OR 1=1--", "Could not verify origin server"), (new string('a', 300) + ".test", "Could not verify origin server"),
            ("peer.test/../../etc", "Could not verify origin server"), ("peer.test@evil.test", "Could not verify origin server"), ("%00", "Could not verify origin server"),
        };
        foreach (var route in routes)
        {
            foreach (var (origin, detail) in wrongOrigins)
            {
                var request = Signed(_peer, route.Method, route.Path, route.Body());
                request.Origin = origin;
                await ExpectAsync("wrong origin", request, 401, detail);
            }
        }
        foreach (var type in EventTypes)
        {
            foreach (var bodyOrigin in new[] { _thirdParty.Domain, own, "", "peer.invalid" })
            {
                var body = Event(_peer, type, bodyOrigin);
                await ExpectAsync("wrong origin", Signed(_peer, "POST", Inbox, body), 400, "origin_server does not match X-D3Chat-Origin");
            }
        }

        // Hosts the server must never contact: signed requests claiming them as origin, and user lookups naming them.
        var port = _listener.Port;
        var hosts = new[]
        {
            $"127.0.0.1:{port}", $"127.0.0.2:{port}", $"127.1.2.3:{port}", $"[::1]:{port}", $"0.0.0.0:{port}", $"[::]:{port}", $"localhost:{port}",
            $"LOCALHOST:{port}", $"[::ffff:127.0.0.1]:{port}", $"2130706433:{port}", $"0x7f000001:{port}", $"127.1:{port}", $"017700000001:{port}",
            "10.0.0.1", "192.168.1.1", "172.16.0.1", "169.254.169.254", "100.64.0.1", "[fe80::1]", "[fd00::1]", "[::ffff:10.0.0.1]", "[64:ff9b::7f00:1]",
            "metadata.google.internal", $"localtest.me:{port}",
        };
        foreach (var host in hosts)
        {
            foreach (var route in routes)
            {
                var forged = TestPeer.Unregistered(host);
                var request = Signed(forged, route.Method, route.Path, route.Body(forged));
                await ExpectAsync("disallowed host", request, 401, "Could not verify origin server");
            }
            foreach (var user in new[] { "alice", _local.Client.AccessToken is null ? "x" : "bob" })
            {
                await ExpectLookupAsync($"{user}@{host}");
            }
        }

        // Oversize bodies, signed over every byte, with and without Content-Length, and unsigned.
        foreach (var route in routes.Where(r => r.Method == "POST").DistinctBy(r => r.Path))
        {
            foreach (var (size, chunked) in new[] { (1024 * 1024 + 1, false), (1024 * 1024 + 1, true), (4 * 1024 * 1024, true), (16 * 1024 * 1024, false) })
            {
                var padded = Pad(route.Body(), size);
                var request = Signed(_peer, "POST", route.Path, padded);
                request.Chunked = chunked;
                await ExpectAsync("oversize", request, 413, "Request body too large");
                var unsigned = request.Copy();
                unsigned.Omit = [FederationHeaders.Origin, FederationHeaders.Timestamp, FederationHeaders.Signature];
                await ExpectAsync("oversize", unsigned, 413, "Request body too large");
            }
        }

        // A peer acts only for its own users and devices: local and third-party devices, users and messages are refused (acknowledged, nothing stored).
        var localDevice = _local.DeviceId;
        for (var i = 0; i < 10; i++)
        {
            foreach (var device in new[] { localDevice, _thirdPartyDevice })
            {
                await ExpectAsync("wrong device or user", Signed(_peer, "POST", Inbox, Relay(_peer, _peerUser, device, $"wd-{Guid.NewGuid()}")), 200, "ok");
                await ExpectAsync("wrong device or user", Signed(_peer, "POST", Inbox, Utf8(_peer.Event("sender_key.distribute", new
                {
                    channel_id = _channelId, device_id = device, sender_username = _peerUser, sender_key_public = "spoofed",
                    envelopes = new[] { new { recipient_device_id = localDevice, envelope = "opaque" } },
                }))), 200, "ok");
                foreach (var removed in new[] { false, true })
                {
                    await ExpectAsync("wrong device or user", Signed(_peer, "POST", Inbox, Utf8(_peer.Event("device.update", new
                    {
                        username = _peerUser, device_id = device, removed, identity_key = "aWs=", signed_pre_key = "c3Br", signed_pre_key_signature = "c2ln",
                    }))), 200, "ok");
                }
            }
            foreach (var type in new[] { "message.edit", "message.delete" })
            {
                await ExpectAsync("wrong device or user", Signed(_peer, "POST", Inbox, Utf8(_peer.Event(type, new
                {
                    channel_id = _channelId, origin_message_id = "third-party-message", content = OpaqueMessages.Frame(), sender_username = _peerUser,
                }))), 200, "ok");
            }
            foreach (var username in new[] { _local.Client.AccessToken is null ? "" : LocalUsername, _thirdPartyUser })
            {
                await ExpectAsync("wrong device or user", Signed(_peer, "POST", Inbox, Utf8(_peer.Event("channel.leave", new { channel_id = _channelId, username }))), 200, "ok");
            }
            await ExpectAsync("wrong device or user", Signed(_peer, "POST", KeyClaim, Json(new { username = LocalUsername, device_id = _thirdPartyDevice })), 404, "Key bundle not found");
            await ExpectAsync("wrong device or user", Signed(_peer, "POST", KeyClaim, Json(new { username = _thirdPartyUser, device_id = _thirdPartyDevice })), 404, "Key bundle not found");
        }

        clock.Stop();
        var adversarial = _sent.Where(s => !s.Category.StartsWith("baseline", StringComparison.Ordinal)).ToList();
        output.WriteLine($"federation adversarial run: seed {Seed}, {adversarial.Count} forged requests, {_sent.Count - adversarial.Count} genuine baselines, " +
                         $"{clock.Elapsed.TotalSeconds:F0} s, {_listener.Connections - ControlConnections} connections to disallowed addresses, {BackgroundChanges} row changes by background work");
        foreach (var category in _sent.GroupBy(s => s.Category).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {category.Key}: {category.Count()} requests; " +
                             string.Join(", ", category.GroupBy(s => s.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}")));
        }
        foreach (var failure in _failures)
        {
            output.WriteLine("FAIL " + failure);
        }
        Assert.True(adversarial.Count >= 1_000, $"only {adversarial.Count} forged requests");
        Assert.Empty(_failures);
        Assert.Equal(ControlConnections, _listener.Connections);
    }

    // ---- the routes and their genuine requests ----

    private static readonly string[] EventTypes =
        ["message.relay", "channel.join", "channel.leave", "sender_key.distribute", "device.update", "message.edit", "message.delete", "channel.invite"];

    private string LocalUsername => _localUsername ??= ReadLocalUsername();

    private string? _localUsername;

    private string ReadLocalUsername()
    {
        using var data = _server.CreateDataSource();
        using var connection = data.OpenConnection();
        return connection.ExecuteScalar<string>("SELECT username FROM users WHERE id = @Id", new { Id = _local.Id })!;
    }

    private sealed record Route(string Method, string Path, Func<TestPeer?, byte[]> BodyOf)
    {
        public byte[] Body(TestPeer? peer = null) => BodyOf(peer);
    }

    private List<Route> Routes()
    {
        var routes = EventTypes.Select(type => new Route("POST", Inbox, peer => Event(peer ?? _peer, type))).ToList();
        routes.Add(new Route("POST", KeyClaim, _ => KeyClaimBody()));
        routes.Add(new Route("GET", $"{FederationHeaders.UserLookupPath}?username={LocalUsername}", _ => []));
        routes.Add(new Route("GET", $"/federation/key-bundles?username={LocalUsername}", _ => []));
        return routes;
    }

    private byte[] KeyClaimBody() => Json(new { username = LocalUsername, device_id = _local.DeviceId, nonce = Guid.NewGuid().ToString("N") });

    /// <summary>A well-formed event of <paramref name="type"/> from <paramref name="peer"/>'s user, in the channel it shares with us.</summary>
    private byte[] Event(TestPeer peer, string type, string? origin = null)
    {
        var id = Guid.NewGuid().ToString();
        object fields = type switch
        {
            "message.relay" => RelayFields(_peerUser, Guid.NewGuid(), id),
            "channel.join" or "channel.leave" => new { channel_id = _channelId, username = _peerUser },
            "sender_key.distribute" => new { channel_id = _channelId, device_id = Guid.NewGuid(), sender_username = _peerUser, sender_key_public = "spk", envelopes = Array.Empty<object>() },
            "device.update" => new { username = _peerUser, device_id = Guid.NewGuid(), removed = true },
            "message.edit" or "message.delete" => new { channel_id = _channelId, origin_message_id = id, content = OpaqueMessages.Frame() },
            _ => new { channel_id = _channelId, channel_name = "x", inviter_username = _peerUser, invitee_username = "nobody_here", encryption_type = "sender_keys" },
        };
        return Encoding.UTF8.GetBytes(peer.Event(type, fields, origin: origin));
    }

    private object RelayFields(string sender, Guid device, string originId) => new
    {
        channel_id = _channelId, sender_username = sender, sender_device_id = device, content = OpaqueMessages.Frame(),
        content_type = "text", protocol_version = 3, origin_message_id = originId,
    };

    private byte[] Relay(TestPeer peer, string sender, Guid device, string originId) =>
        Encoding.UTF8.GetBytes(peer.Event("message.relay", new
        {
            channel_id = _channelId, sender_username = sender, sender_device_id = device, content = OpaqueMessages.Frame(),
            content_type = "text", protocol_version = 3, origin_message_id = originId,
        }, $"msg-{originId}"));

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Json(object value) => JsonSerializer.SerializeToUtf8Bytes(value);

    private async Task<(Guid ChannelId, string Inviter)> InviteAsync(TestPeer peer, Client.D3ChatClient invitee)
    {
        var me = await invitee.GetMeAsync();
        var channelId = Guid.NewGuid();
        var inviter = Names.Username("r");
        using var response = await SendAsync(Signed(peer, "POST", Inbox, Encoding.UTF8.GetBytes(peer.Event("channel.invite", new
        {
            channel_id = channelId, channel_name = "federated", inviter_username = inviter, invitee_username = me.Username, encryption_type = "sender_keys",
        }))));
        Assert.Equal(200, (int)response.StatusCode);
        return (channelId, inviter);
    }

    // ---- forging and sending ----

    private sealed class ForgedRequest
    {
        public required string Method { get; set; }
        public required string Path { get; set; }
        public required byte[] SignedBody { get; init; }
        public byte[]? SentBody { get; set; }
        public string? Origin { get; set; }
        public string? Timestamp { get; init; }
        public string? Signature { get; set; }
        public string[] Omit { get; set; } = [];
        public bool Chunked { get; set; }

        public ForgedRequest Copy() => (ForgedRequest)MemberwiseClone();

        public string Describe() => $"{Method} {Path.Split('?')[0]}";
    }

    private static ForgedRequest Signed(TestPeer peer, string method, string path, byte[] body, string? timestamp = null)
    {
        timestamp ??= RequestSigning.FormatTimestamp(DateTimeOffset.UtcNow);
        var headers = RequestSigning.Sign(peer.Key, peer.Domain, method, path, timestamp, body);
        return new ForgedRequest { Method = method, Path = path, SignedBody = body, Origin = headers.Origin, Timestamp = timestamp, Signature = headers.Signature };
    }

    private static string Sign(ServerSigningKey key, ForgedRequest r) => RequestSigning.Sign(key, r.Origin!, r.Method, r.Path, r.Timestamp!, r.SignedBody).Signature;

    private byte[] Tamper(byte[] body)
    {
        var bytes = body.ToList();
        var at = _random.Next(bytes.Count);
        switch (_random.Next(4))
        {
            case 0: bytes[at] ^= (byte)(1 << _random.Next(8)); break;
            case 1: bytes.Insert(at, (byte)' '); break;
            case 2: bytes.RemoveAt(at); break;
            default: bytes.AddRange(" "u8.ToArray()); break;
        }
        return [.. bytes];
    }

    private static byte[] Pad(byte[] body, int size)
    {
        if (body.Length == 0)
        {
            return new byte[size];
        }
        var json = Encoding.UTF8.GetString(body);
        var frame = "{\"padding\":\"\",".Length + json.Length - 1;
        return Encoding.UTF8.GetBytes("{\"padding\":\"" + new string('p', size - frame) + "\"," + json[1..]);
    }

    private async Task<HttpResponseMessage> SendAsync(ForgedRequest forged)
    {
        var body = forged.SentBody ?? forged.SignedBody;
        using var request = new HttpRequestMessage(new HttpMethod(forged.Method), forged.Path);
        if (forged.Method != "GET")
        {
            request.Content = forged.Chunked ? new StreamContent(new MemoryStream(body)) : new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        foreach (var (name, value) in new[] { (FederationHeaders.Origin, forged.Origin), (FederationHeaders.Timestamp, forged.Timestamp), (FederationHeaders.Signature, forged.Signature) })
        {
            if (!forged.Omit.Contains(name) && value is not null)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }
        var response = await _http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>Sends a forged request between two snapshots; it must get exactly <paramref name="status"/> and <paramref name="detail"/> (for a 200, the ack status) and change nothing.</summary>
    private async Task ExpectAsync(string category, ForgedRequest forged, int status, string detail)
    {
        if (await SendCheckedAsync(category, forged, status, detail) is { } changed)
        {
            // Background work (a delivery retry, a peer's backoff row) may change a count meanwhile: the
            // change is the request's only when sending it again, once things settled, changes rows again.
            BackgroundChanges++;
            await SettleAsync();
            if (await SendCheckedAsync(category, forged, status, detail) is { } again)
            {
                _failures.Add($"{forged.Describe()} [{category}] {again} (first time: {changed})");
            }
        }
    }

    private int BackgroundChanges { get; set; }

    /// <summary>Sends and checks the answer (a mismatch is a failure); returns what the request changed, or null.</summary>
    private async Task<string?> SendCheckedAsync(string category, ForgedRequest forged, int status, string detail)
    {
        var (counts, checksum) = await SnapshotAsync();
        int actual;
        string? actualDetail;
        try
        {
            using var response = await SendAsync(forged);
            actual = (int)response.StatusCode;
            actualDetail = ReadField(await response.Content.ReadAsStringAsync(), actual == 200 ? "status" : "detail");
        }
        catch (HttpRequestException ex)
        {
            actual = 0;
            actualDetail = $"no response ({ex.HttpRequestError})";
        }
        _sent.Add((category, actual));
        var (countsAfter, checksumAfter) = await SnapshotAsync();
        if (actual != status || actualDetail != detail)
        {
            _failures.Add($"{forged.Describe()} [{category}] → {actual} {actualDetail}, expected {status} {detail}");
        }
        var changed = TableCounts.Difference(counts, countsAfter);
        if (changed.Length > 0 || checksum != checksumAfter)
        {
            return $"→ {actual} changed rows: {changed}{(checksum != checksumAfter ? " and messages, members or remote devices" : "")}";
        }
        return null;
    }

    /// <summary>A user lookup naming a host the server must not contact: 404, nothing stored (the connection count is checked at the end).</summary>
    private async Task ExpectLookupAsync(string identity)
    {
        var (counts, _) = await SnapshotAsync();
        using var response = await _local.Client.SendAsync(HttpMethod.Get, $"/api/v1/users/lookup?identity={Uri.EscapeDataString(identity)}");
        var status = (int)response.StatusCode;
        _sent.Add(("disallowed host (user lookup)", status));
        var detail = ReadField(await response.Content.ReadAsStringAsync(), "detail");
        if (status != 404 || detail != "User not found")
        {
            _failures.Add($"GET /api/v1/users/lookup (identity at a disallowed host) → {status} {detail}, expected 404 User not found");
        }
        if (TableCounts.Difference(counts, (await SnapshotAsync()).Counts) is { Length: > 0 } changed)
        {
            _failures.Add($"GET /api/v1/users/lookup (identity at a disallowed host) → {status} changed rows: {changed}");
        }
    }

    private async Task<(IReadOnlyDictionary<string, long> Counts, string Checksum)> SnapshotAsync()
    {
        var counts = await _counts.SnapshotAsync();
        return (counts, await _counts.ScalarAsync<string>(ChecksumSql) ?? "");
    }

    private static string? ReadField(string body, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
