using System.Net;
using System.Text.Json;
using D3Chat.Client;
using D3Chat.Integration.Tests.Infrastructure;
using Dapper;

namespace D3Chat.Integration.Tests.Messaging;

/// <summary>Issue 13 item 1: a poisoned outbox row backs off, dead-letters, never delays the others, and admins retry it.</summary>
public sealed class OutboxDeadLetterTests(ShortOutboxRetryFixture fixture) : IClassFixture<ShortOutboxRetryFixture>
{
    private readonly D3ChatServer _server = fixture.Server;

    [Fact]
    public async Task Sweep_UnparseableRow_IsDeadLetteredAtOnceAndNeverDelaysLaterEvents()
    {
        var admin = await _server.CreateSuperadminClientAsync();
        await using var dataSource = _server.CreateDataSource();
        var unparseable = Guid.NewGuid();
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            // Older than anything the test sends, so an oldest-first sweep would take it first every time.
            await connection.ExecuteAsync("""
                INSERT INTO outbox (id, event_type, payload, created_at, next_attempt_at)
                VALUES (@Id, 'message.new', '{"not":"an event"}', now() - interval '1 minute', now() - interval '1 minute')
                """, new { Id = unparseable });
        }
        var owner = await TestUser.NewAsync(_server);
        var channel = await owner.Client.CreateChannelAsync("poison");

        var sent = await owner.SendOpaqueAsync(channel.Id);

        await Eventually.TrueAsync(async () => await SentAtAsync(dataSource, sent.Id) is not null, TimeSpan.FromSeconds(30), "the healthy event to be sent");
        var broken = await DeadLetterAsync(admin, unparseable);
        Assert.Equal("payload is not a channel event", broken.GetProperty("last_error").GetString());
        Assert.Equal(0, broken.GetProperty("attempts").GetInt32());
        Assert.False(broken.TryGetProperty("payload", out _));
        Assert.Equal(0L, await CountAsync(dataSource, "SELECT count(*) FROM outbox WHERE id = ANY(@Ids)", [unparseable]));
    }

    [Fact]
    public async Task Publish_QueueDown_DeadLettersAfterMaxAttemptsAndAdminRetryRequeues()
    {
        await using var down = await D3ChatServer.StartAsync(new Dictionary<string, string>(ShortOutboxRetryFixture.Settings)
        {
            ["AzureWebJobsStorage"] = DeadStorage,
        });
        var admin = await down.CreateSuperadminClientAsync();
        await using var dataSource = down.CreateDataSource();
        var owner = await TestUser.NewAsync(down);
        var channel = await owner.Client.CreateChannelAsync("unpublishable");
        var sent = await owner.SendOpaqueAsync(channel.Id);
        var eventId = await EventIdAsync(dataSource, sent.Id);

        var dead = await DeadLetterAsync(admin, eventId);
        using var retry = await admin.SendAsync(HttpMethod.Post, $"/api/v1/admin/outbox/dead-letters/{eventId}/retry");

        Assert.Equal(3, dead.GetProperty("attempts").GetInt32());
        Assert.False(string.IsNullOrEmpty(dead.GetProperty("last_error").GetString()));
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal(0L, await CountAsync(dataSource, "SELECT count(*) FROM outbox_dead_letters WHERE id = ANY(@Ids)", [eventId]));
        Assert.Equal(1L, await CountAsync(dataSource, "SELECT count(*) FROM outbox WHERE id = ANY(@Ids) AND sent_at IS NULL AND attempts < 3", [eventId]));
    }

    [Fact]
    public async Task DeadLetters_NotAdmin_Is403()
    {
        var user = _server.CreateClient();
        await user.RegisterAsync(Names.Username(), Names.Password);

        using var list = await user.SendAsync(HttpMethod.Get, "/api/v1/admin/outbox/dead-letters");
        using var retry = await user.SendAsync(HttpMethod.Post, $"/api/v1/admin/outbox/dead-letters/{Guid.NewGuid()}/retry");

        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, retry.StatusCode);
        Assert.Equal("Admin access required", D3ChatClient.ReadDetail(await list.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Retry_UnknownId_Is404AndMalformedId_Is422()
    {
        var admin = await _server.CreateSuperadminClientAsync();

        using var unknown = await admin.SendAsync(HttpMethod.Post, $"/api/v1/admin/outbox/dead-letters/{Guid.NewGuid()}/retry");
        using var malformed = await admin.SendAsync(HttpMethod.Post, "/api/v1/admin/outbox/dead-letters/not-a-uuid/retry");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("Dead letter not found", D3ChatClient.ReadDetail(await unknown.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, malformed.StatusCode);
    }

    // Storage on a port where nothing listens: every publish fails.
    private const string DeadStorage = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
        + "BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;";

    // Each publish to the dead endpoint waits out the Storage SDK's own retries (about 30 s), so three
    // attempts take minutes under load; the bound is generous, the assertion is the dead letter itself.
    private static Task<JsonElement> DeadLetterAsync(D3ChatClient admin, Guid id) => Eventually.ReturnsAsync<JsonElement?>(async () =>
    {
        var list = await admin.SendAsync<JsonElement>(HttpMethod.Get, "/api/v1/admin/outbox/dead-letters");
        return list.EnumerateArray().Where(d => d.GetProperty("id").GetGuid() == id).Select(d => (JsonElement?)d).FirstOrDefault();
    }, TimeSpan.FromSeconds(240), $"outbox event {id} to be dead-lettered").ContinueWith(t => t.Result!.Value);

    private static async Task<Guid> EventIdAsync(Npgsql.NpgsqlDataSource dataSource, Guid messageId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<Guid>(
            "SELECT id FROM outbox WHERE payload->>'type' = 'message.new' AND payload->'data'->'message'->>'id' = @Id", new { Id = messageId.ToString() });
    }

    private static async Task<DateTime?> SentAtAsync(Npgsql.NpgsqlDataSource dataSource, Guid messageId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<DateTime?>(
            "SELECT sent_at FROM outbox WHERE payload->>'type' = 'message.new' AND payload->'data'->'message'->>'id' = @Id", new { Id = messageId.ToString() });
    }

    private static async Task<long> CountAsync(Npgsql.NpgsqlDataSource dataSource, string sql, Guid[] ids)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>(sql, new { Ids = ids });
    }
}

public sealed class ShortOutboxRetryFixture : IAsyncLifetime
{
    public D3ChatServer Server { get; private set; } = null!;

    public static readonly IReadOnlyDictionary<string, string> Settings = new Dictionary<string, string>
    {
        ["Queue__OutboxMaxAttempts"] = "3",
        ["Queue__OutboxRetryBaseSeconds"] = "0.5",
        ["OutboxSweepSchedule"] = "*/1 * * * * *",
    };

    public async Task InitializeAsync() => Server = await D3ChatServer.StartAsync(Settings);

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
