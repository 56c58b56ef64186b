using System.Net;
using System.Text.Json;
using D3Chat.Client;
using D3Chat.Integration.Tests.Infrastructure;
using Npgsql;

namespace D3Chat.Integration.Tests.Federation;

/// <summary>Outbound delivery to a peer that never answers: backoff, dead letters, and the admin view and retry.</summary>
public sealed class DeliveryTests(ShortRetryServerFixture fixture) : IClassFixture<ShortRetryServerFixture>
{
    // 127.0.0.1 is in the sample's Federation__AllowHttpHosts, and nothing listens on port 1.
    private const string DeadPeer = "127.0.0.1:1";

    private readonly D3ChatServer _server = fixture.Server;

    [Fact]
    public async Task Relay_PeerUnreachable_DeadLettersAfterMaxAgeAndAdminRetryRequeues()
    {
        var admin = await _server.CreateSuperadminClientAsync();
        var ghost = await InsertRemoteUserAsync("ghost", DeadPeer);
        var channel = await admin.CreateChannelAsync("to-nowhere", isPublic: false);
        await admin.AddMemberAsync(channel.Id, ghost);
        await admin.SendOpaqueAsync(channel.Id);

        // The invite, the sender's join the message brings (never acknowledged by the dead peer), the message.
        var dead = (await Eventually.ReturnsAsync<JsonElement?>(async () =>
        {
            var peer = await PeerAsync(admin);
            return peer is { } p && p.GetProperty("dead_letters").GetInt64() == 3 && p.GetProperty("queued").GetInt64() == 0 ? p : null;
        }, TimeSpan.FromSeconds(30), "all three deliveries to be dead-lettered"))!.Value;
        var retry = await admin.SendAsync<JsonElement>(HttpMethod.Post, $"/api/v1/admin/federation/peers/{DeadPeer}/retry");
        var requeued = await PeerAsync(admin);

        Assert.True(dead.GetProperty("consecutive_failures").GetInt32() >= 1);
        Assert.Equal(JsonValueKind.Null, dead.GetProperty("last_success_at").ValueKind);
        Assert.Equal(3, retry.GetProperty("requeued").GetInt32());
        Assert.Equal(3, requeued!.Value.GetProperty("queued").GetInt64());
        Assert.Equal(0, requeued.Value.GetProperty("dead_letters").GetInt64());
    }

    [Fact]
    public async Task AdminPeers_NotAdmin_Is403()
    {
        var user = _server.CreateClient();
        await user.RegisterAsync(Names.Username(), Names.Password);

        using var response = await user.SendAsync(HttpMethod.Get, "/api/v1/admin/federation/peers");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("Admin access required", D3ChatClient.ReadDetail(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task AdminRetry_UnknownPeer_Is404()
    {
        var admin = await _server.CreateSuperadminClientAsync();

        using var response = await admin.SendAsync(HttpMethod.Post, "/api/v1/admin/federation/peers/never-seen.example/retry");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Peer not found", D3ChatClient.ReadDetail(await response.Content.ReadAsStringAsync()));
    }

    private static async Task<JsonElement?> PeerAsync(D3ChatClient admin)
    {
        var peers = await admin.SendAsync<JsonElement>(HttpMethod.Get, "/api/v1/admin/federation/peers");
        return peers.EnumerateArray().Where(p => p.GetProperty("domain").GetString() == DeadPeer).Select(p => (JsonElement?)p).FirstOrDefault();
    }

    private async Task<Guid> InsertRemoteUserAsync(string username, string domain)
    {
        var id = Guid.NewGuid();
        await ExecuteAsync("INSERT INTO users (id, username, server_domain, is_local) VALUES ($1, $2, $3, false)", id, username, domain);
        return id;
    }

    private async Task ExecuteAsync(string sql, params object[] args)
    {
        await using var dataSource = _server.CreateDataSource();
        await using var command = dataSource.CreateCommand(sql);
        foreach (var arg in args)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = arg });
        }
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>A server whose deliveries die after 3 s of failures, retried every second.</summary>
public sealed class ShortRetryServerFixture : IAsyncLifetime
{
    public D3ChatServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await D3ChatServer.StartAsync(new Dictionary<string, string>
    {
        ["Federation__MaxRetryAge"] = "00:00:03",
        ["Federation__MaxBackoff"] = "00:00:01",
        ["FederationRetrySchedule"] = "*/1 * * * * *",
    }, port: LocalHostProcess.FreePort());

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
