using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using D3Chat.Integration.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace D3Chat.Integration.Tests.Messaging;

/// <summary>
/// Issue 13 item 4: the retention timer deletes what is no longer needed and, once a message is
/// edited or deleted, its old content is in no event table; a deleted attachment's blob goes too.
/// The server runs the timer every second with sent events kept for no time at all.
/// </summary>
public sealed class RetentionTests(RetentionFixture fixture) : IClassFixture<RetentionFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly D3ChatServer _server = fixture.Server;

    [Fact]
    public async Task Timer_SentEvent_IsDeleted()
    {
        var owner = await TestUser.NewAsync(_server);
        var channel = await owner.Client.CreateChannelAsync("sent-events");
        await using var dataSource = _server.CreateDataSource();

        var sent = await owner.SendOpaqueAsync(channel.Id);

        await Eventually.TrueAsync(async () => await CountAsync(dataSource,
            "SELECT count(*) FROM outbox WHERE payload #>> '{data,message,id}' = @Id", new { Id = sent.Id.ToString() }) == 0,
            Deadline, "the sent message.new event to be deleted");
        Assert.Equal(1, await CountAsync(dataSource, "SELECT count(*) FROM messages WHERE id = @Id", new { sent.Id }));
    }

    [Fact]
    public async Task Timer_ExpiredRows_AreDeletedAndLiveOnesKept()
    {
        var owner = await TestUser.NewAsync(_server);
        var channel = await owner.Client.CreateChannelAsync("expired-rows");
        var oldClientId = $"old-{Guid.NewGuid():N}";
        var freshClientId = $"fresh-{Guid.NewGuid():N}";
        await owner.SendOpaqueAsync(channel.Id, clientMessageId: oldClientId);
        await owner.SendOpaqueAsync(channel.Id, clientMessageId: freshClientId);
        var other = await TestUser.NewAsync(_server);
        await using var dataSource = _server.CreateDataSource();
        var oldDeadLetter = Guid.NewGuid();
        var recentDeadLetter = Guid.NewGuid();
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = @Id", new { owner.Id });
            await connection.ExecuteAsync("UPDATE message_client_ids SET created_at = now() - interval '25 hours' WHERE client_message_id = @Id",
                new { Id = oldClientId });
            await connection.ExecuteAsync("""
                INSERT INTO outbox_dead_letters (id, event_type, payload, created_at, attempts, dead_at)
                VALUES (@Old, 'channel.update', '{}', now() - interval '31 days', 5, now() - interval '31 days'),
                       (@Recent, 'channel.update', '{}', now() - interval '29 days', 5, now() - interval '29 days')
                """, new { Old = oldDeadLetter, Recent = recentDeadLetter });
            await connection.ExecuteAsync("""
                INSERT INTO federation_deliveries (event_id, destination, event_type, body, created_at, next_attempt_at, dead_at)
                VALUES (@Old, 'peer.invalid', 'channel.join', '{}', now() - interval '31 days', now(), now() - interval '31 days'),
                       (@Recent, 'peer.invalid', 'channel.join', '{}', now() - interval '29 days', now(), now() - interval '29 days')
                """, new { Old = oldDeadLetter.ToString(), Recent = recentDeadLetter.ToString() });
        }

        await Eventually.TrueAsync(async () => await CountAsync(dataSource, """
            SELECT (SELECT count(*) FROM sessions WHERE user_id = @Owner)
                 + (SELECT count(*) FROM message_client_ids WHERE client_message_id = @OldClientId)
                 + (SELECT count(*) FROM outbox_dead_letters WHERE id = @OldDeadLetter)
                 + (SELECT count(*) FROM federation_deliveries WHERE event_id = @OldDeadLetterText)
            """, new { Owner = owner.Id, OldClientId = oldClientId, OldDeadLetter = oldDeadLetter, OldDeadLetterText = oldDeadLetter.ToString() }) == 0,
            Deadline, "expired sessions, client ids and old dead letters to be deleted");

        Assert.Equal(1, await CountAsync(dataSource, "SELECT count(*) FROM sessions WHERE user_id = @Id", new { other.Id }));
        Assert.Equal(1, await CountAsync(dataSource, "SELECT count(*) FROM message_client_ids WHERE client_message_id = @Id", new { Id = freshClientId }));
        Assert.Equal(1, await CountAsync(dataSource, "SELECT count(*) FROM outbox_dead_letters WHERE id = @Id", new { Id = recentDeadLetter }));
        Assert.Equal(1, await CountAsync(dataSource, "SELECT count(*) FROM federation_deliveries WHERE event_id = @Id", new { Id = recentDeadLetter.ToString() }));
    }

    [Fact]
    public async Task Timer_EditedAndDeletedMessages_OldContentIsInNoEventTable()
    {
        var owner = await TestUser.NewAsync(_server);
        var channel = await owner.Client.CreateChannelAsync("scrub");
        var edited = await owner.SendOpaqueAsync(channel.Id);
        var deleted = await owner.SendOpaqueAsync(channel.Id);
        var reply = await owner.SendOpaqueAsync(channel.Id, replyToId: deleted.Id);
        await using var dataSource = _server.CreateDataSource();
        // Events that wait (dead letters, deliveries to a peer that is down) hold the content as it was.
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            foreach (var message in new[] { edited, deleted, reply })
            {
                await connection.ExecuteAsync("""
                    INSERT INTO outbox_dead_letters (id, event_type, payload, created_at, attempts, dead_at)
                    VALUES (@Id, 'message.new', CAST(@Payload AS jsonb), now(), 5, now())
                    """, new { Id = Guid.NewGuid(), Payload = MessageNewPayload(message) });
                await connection.ExecuteAsync("""
                    INSERT INTO federation_deliveries (event_id, destination, event_type, body, created_at, next_attempt_at)
                    VALUES (@EventId, 'peer.invalid', 'message.relay', @Body, now(), now() + interval '1 hour')
                    """, new
                {
                    EventId = $"msg-{message.Id}",
                    Body = JsonSerializer.Serialize(new { event_id = $"msg-{message.Id}", type = "message.relay", origin_message_id = message.Id, content = message.Content }),
                });
            }
        }

        // Compared in jsonb's text, which does not escape '+' the way System.Text.Json does.
        const string RowsHoldingOldContent = """
            SELECT (SELECT count(*) FROM outbox WHERE strpos(payload::text, @A) > 0 OR strpos(payload::text, @B) > 0)
                 + (SELECT count(*) FROM outbox_dead_letters WHERE strpos(payload::text, @A) > 0 OR strpos(payload::text, @B) > 0)
                 + (SELECT count(*) FROM federation_deliveries WHERE strpos(body::jsonb::text, @A) > 0 OR strpos(body::jsonb::text, @B) > 0)
            """;
        var oldContents = new { A = edited.Content, B = deleted.Content };
        Assert.True(await CountAsync(dataSource, RowsHoldingOldContent, oldContents) >= 4);
        var newContent = OpaqueMessages.Frame();
        await owner.Client.EditOpaqueAsync(edited.Id, newContent);
        await owner.Client.DeleteMessageAsync(deleted.Id);

        await Eventually.TrueAsync(async () => await CountAsync(dataSource, RowsHoldingOldContent, oldContents) == 0,
            Deadline, "the old content of the edited and the deleted message to leave every event table");

        await using var check = await dataSource.OpenConnectionAsync();
        var editedDeadLetter = await check.QuerySingleAsync<string>(
            "SELECT payload #>> '{data,message,content}' FROM outbox_dead_letters WHERE payload #>> '{data,message,id}' = @Id", new { Id = edited.Id.ToString() });
        var editedDelivery = await check.QuerySingleAsync<string>(
            "SELECT body::jsonb ->> 'content' FROM federation_deliveries WHERE event_id = @Id", new { Id = $"msg-{edited.Id}" });
        var replyQuote = await check.QuerySingleAsync<string>(
            "SELECT jsonb_typeof(payload #> '{data,message,reply_to}') FROM outbox_dead_letters WHERE payload #>> '{data,message,id}' = @Id", new { Id = reply.Id.ToString() });
        Assert.Equal(newContent, editedDeadLetter);
        Assert.Equal(newContent, editedDelivery);
        Assert.Equal("null", replyQuote);
        Assert.Equal(0, await CountAsync(dataSource, "SELECT count(*) FROM federation_deliveries WHERE event_id = @Id", new { Id = $"msg-{deleted.Id}" }));
        Assert.Equal(1, await CountAsync(dataSource, "SELECT count(*) FROM federation_deliveries WHERE event_id = @Id", new { Id = $"msg-{reply.Id}" }));
    }

    [Fact]
    public async Task Timer_DeletedAndAbandonedAttachments_BlobsAreDeleted()
    {
        var owner = await TestUser.NewAsync(_server);
        var channel = await owner.Client.CreateChannelAsync("blobs");
        var linked = await owner.Client.UploadAttachmentAsync(channel.Id, Encoding.UTF8.GetBytes("ciphertext one"), "a.bin", "application/octet-stream");
        var abandoned = await owner.Client.UploadAttachmentAsync(channel.Id, Encoding.UTF8.GetBytes("ciphertext two"), "b.bin", "application/octet-stream");
        var kept = await owner.Client.UploadAttachmentAsync(channel.Id, Encoding.UTF8.GetBytes("ciphertext three"), "c.bin", "application/octet-stream");
        var message = await owner.SendOpaqueAsync(channel.Id, attachmentIds: [linked.Id]);
        await using var dataSource = _server.CreateDataSource();
        var blobs = await BlobNamesAsync(dataSource, [linked.Id, abandoned.Id, kept.Id]);
        var container = new BlobContainerClient(TestEnvironment.Storage, "attachments");
        Assert.All(blobs.Values, name => Assert.True(container.GetBlobClient(name).Exists().Value, name));
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("UPDATE attachments SET created_at = now() - interval '25 hours' WHERE id = @Id", new { abandoned.Id });
        }

        await owner.Client.DeleteMessageAsync(message.Id);

        await Eventually.TrueAsync(async () =>
            !(await container.GetBlobClient(blobs[linked.Id]).ExistsAsync()).Value
            && !(await container.GetBlobClient(blobs[abandoned.Id]).ExistsAsync()).Value
            && await CountAsync(dataSource, "SELECT count(*) FROM blob_deletions WHERE blob_name = ANY(@Names)",
                new { Names = new[] { blobs[linked.Id], blobs[abandoned.Id] } }) == 0,
            Deadline, "the blobs of the deleted and the abandoned attachment to be deleted");
        Assert.True((await container.GetBlobClient(blobs[kept.Id]).ExistsAsync()).Value);
        Assert.Equal(0, await CountAsync(dataSource, "SELECT count(*) FROM attachments WHERE id = ANY(@Ids)", new { Ids = new[] { linked.Id, abandoned.Id } }));
    }

    [Fact]
    public async Task Timer_MessageRetentionDays_DeletesOlderMessagesOnly()
    {
        var root = await _server.CreateSuperadminClientAsync();
        var owner = await TestUser.NewAsync(_server);
        var channel = await owner.Client.CreateChannelAsync("retention-days");
        var old = await owner.SendOpaqueAsync(channel.Id);
        var fresh = await owner.SendOpaqueAsync(channel.Id);
        await using var dataSource = _server.CreateDataSource();
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("UPDATE messages SET created_at = now() - interval '3 days' WHERE id = @Id", new { old.Id });
        }

        await root.PutSettingAsync("message_retention_days", 2);

        await Eventually.TrueAsync(async () => await CountAsync(dataSource, "SELECT count(*) FROM messages WHERE id = @Id", new { old.Id }) == 0,
            Deadline, "the message older than message_retention_days to be deleted");
        Assert.Equal(1, await CountAsync(dataSource, "SELECT count(*) FROM messages WHERE id = @Id", new { fresh.Id }));
    }

    [Fact]
    public async Task Login_SessionTimeoutDays_IsTheSessionLifetime()
    {
        var root = await _server.CreateSuperadminClientAsync();
        await root.PutSettingAsync("session_timeout_days", 3);

        var user = await TestUser.NewAsync(_server);

        await using var dataSource = _server.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        var lifetime = await connection.ExecuteScalarAsync<double>(
            "SELECT extract(epoch FROM expires_at - now()) / 86400 FROM sessions WHERE user_id = @Id", new { user.Id });
        Assert.InRange(lifetime, 2.99, 3.0);
    }

    private static string MessageNewPayload(D3Chat.Client.MessageResponse message) => JsonSerializer.Serialize(new
    {
        id = Guid.NewGuid(),
        type = "message.new",
        channel_id = message.ChannelId,
        occurred_at = DateTimeOffset.UtcNow,
        data = new
        {
            type = "message.new",
            message = new
            {
                id = message.Id,
                channel_id = message.ChannelId,
                content = message.Content,
                reply_to = message.ReplyToId is { } replyTo ? new { id = replyTo, content = "quoted" } : null,
            },
        },
    });

    private static async Task<Dictionary<Guid, string>> BlobNamesAsync(NpgsqlDataSource dataSource, Guid[] ids)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var rows = await connection.QueryAsync<(Guid Id, string StoragePath)>(
            "SELECT id, storage_path FROM attachments WHERE id = ANY(@Ids)", new { Ids = ids });
        return rows.ToDictionary(r => r.Id, r => r.StoragePath);
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, string sql, object args)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>(sql, args);
    }
}

public sealed class RetentionFixture : IAsyncLifetime
{
    public D3ChatServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await D3ChatServer.StartAsync(new Dictionary<string, string>
    {
        ["RetentionSchedule"] = "*/1 * * * * *",
        ["Retention__SentEventAge"] = "00:00:00",
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
