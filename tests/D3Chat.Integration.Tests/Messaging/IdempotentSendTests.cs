using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using D3Chat.Client;
using ClientMessageIds = D3Chat.Core.Messages.ClientMessageIds;
using MessageFrame = D3Chat.Core.Messages.MessageFrame;
using D3Chat.Integration.Tests.Infrastructure;
using Dapper;

namespace D3Chat.Integration.Tests.Messaging;

/// <summary>Issue 13 item 3: a retried send (same client id, sender and channel, within 24 h) answers the first message and stores nothing.</summary>
[Collection(ServerCollections.Messaging)]
public sealed class IdempotentSendTests(ServerFixture fixture)
{
    private readonly D3ChatServer _server = fixture.Server;

    private async Task<(TestUser Owner, ChannelResponse Channel)> ChannelAsync()
    {
        var owner = await TestUser.NewAsync(_server);
        return (owner, await owner.Client.CreateChannelAsync("retry"));
    }

    private static async Task<(HttpStatusCode Status, MessageResponse? Message, string Body)> PostAsync(
        TestUser user, Guid channelId, string content, string? clientMessageId = null, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/channels/{channelId}/messages")
        {
            Content = JsonContent.Create(new
            {
                content, protocol_version = 3, sender_device_id = user.DeviceId, client_message_id = clientMessageId,
            }, options: D3ChatClient.Json),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", user.Client.AccessToken);
        if (idempotencyKey is not null)
        {
            request.Headers.Add(ClientMessageIds.HeaderName, idempotencyKey);
        }
        using var response = await user.Client.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.IsSuccessStatusCode ? JsonSerializer.Deserialize<MessageResponse>(body, D3ChatClient.Json) : null, body);
    }

    private async Task<long> CountAsync(Guid channelId)
    {
        await using var dataSource = _server.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM messages WHERE channel_id = @Id", new { Id = channelId });
    }

    [Fact]
    public async Task Retry_WithTheSameClientMessageId_Is200WithTheFirstMessage()
    {
        var (owner, channel) = await ChannelAsync();
        var clientId = Guid.NewGuid().ToString();
        var first = await PostAsync(owner, channel.Id, OpaqueMessages.Frame(), clientId);

        var retry = await PostAsync(owner, channel.Id, OpaqueMessages.Frame(), clientId);

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.Equal(JsonSerializer.Serialize(first.Message, D3ChatClient.Json), JsonSerializer.Serialize(retry.Message, D3ChatClient.Json));
        Assert.Equal(1, await CountAsync(channel.Id));
        Assert.Single(await Outbox.EventsAsync(_server, "payload->'data'->'message'->>'channel_id'", channel.Id.ToString()));
    }

    [Fact]
    public async Task Retry_WithTheIdempotencyKeyHeader_Is200WithTheFirstMessage_AndTheTypedClientSendsTheBodyField()
    {
        var (owner, channel) = await ChannelAsync();
        var key = "key-" + Guid.NewGuid().ToString("N");
        var first = await owner.SendOpaqueAsync(channel.Id, clientMessageId: key);

        var retry = await PostAsync(owner, channel.Id, OpaqueMessages.Frame(), idempotencyKey: key);
        var both = await PostAsync(owner, channel.Id, OpaqueMessages.Frame(), key, key);

        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.Equal(first.Id, retry.Message!.Id);
        Assert.Equal(HttpStatusCode.OK, both.Status);
        Assert.Equal(first.Id, both.Message!.Id);
        Assert.Equal(1, await CountAsync(channel.Id));
    }

    [Fact]
    public async Task HeaderAndBodyDisagree_Is422()
    {
        var (owner, channel) = await ChannelAsync();

        await Expect.InvalidAsync(owner.Client, HttpMethod.Post, $"/api/v1/channels/{channel.Id}/messages",
            new { content = OpaqueMessages.Frame(), protocol_version = 3, sender_device_id = owner.DeviceId, client_message_id = "a" },
            ["header", ClientMessageIds.HeaderName], ClientMessageIds.ConflictingHeader, new Dictionary<string, string> { [ClientMessageIds.HeaderName] = "b" });
        Assert.Equal(0, await CountAsync(channel.Id));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("")]
    [InlineData("é")]
    public async Task MalformedClientMessageId_Is422(string clientId)
    {
        var (owner, channel) = await ChannelAsync();

        await Expect.InvalidAsync(owner.Client, HttpMethod.Post, $"/api/v1/channels/{channel.Id}/messages",
            new { content = OpaqueMessages.Frame(), protocol_version = 3, sender_device_id = owner.DeviceId, client_message_id = clientId },
            ["body", "client_message_id"], ClientMessageIds.InvalidMessage);
        await Expect.InvalidAsync(owner.Client, HttpMethod.Post, $"/api/v1/channels/{channel.Id}/messages",
            new { content = OpaqueMessages.Frame(), protocol_version = 3, sender_device_id = owner.DeviceId, client_message_id = new string('x', 129) },
            ["body", "client_message_id"], ClientMessageIds.InvalidMessage);
    }

    [Fact]
    public async Task ConcurrentDuplicates_StoreOneRow_AndAllAnswerIt()
    {
        var (owner, channel) = await ChannelAsync();
        var clientId = Guid.NewGuid().ToString();

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => PostAsync(owner, channel.Id, OpaqueMessages.Frame(), clientId)));

        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.Created or HttpStatusCode.OK, a.Body));
        Assert.Single(answers, a => a.Status == HttpStatusCode.Created);
        Assert.Single(answers.Select(a => a.Message!.Id).Distinct());
        Assert.Equal(1, await CountAsync(channel.Id));
    }

    [Fact]
    public async Task SameClientId_OtherChannelOrOtherSender_AreSeparateMessages()
    {
        var (owner, channel) = await ChannelAsync();
        var other = await owner.Client.CreateChannelAsync("elsewhere");
        var member = await TestUser.NewAsync(_server);
        await member.Client.JoinChannelAsync(channel.Id);
        var clientId = Guid.NewGuid().ToString();

        var a = await PostAsync(owner, channel.Id, OpaqueMessages.Frame(), clientId);
        var b = await PostAsync(owner, other.Id, OpaqueMessages.Frame(), clientId);
        var c = await PostAsync(member, channel.Id, OpaqueMessages.Frame(), clientId);

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created], new[] { a.Status, b.Status, c.Status });
        Assert.Equal(3, new[] { a.Message!.Id, b.Message!.Id, c.Message!.Id }.Distinct().Count());
    }

    [Fact]
    public async Task Retry_AfterTheWindow_StoresANewMessage()
    {
        var (owner, channel) = await ChannelAsync();
        var clientId = Guid.NewGuid().ToString();
        var first = await PostAsync(owner, channel.Id, OpaqueMessages.Frame(), clientId);
        await using (var dataSource = _server.CreateDataSource())
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("UPDATE message_client_ids SET created_at = now() - interval '25 hours' WHERE message_id = @Id", new { first.Message!.Id });
        }

        var late = await PostAsync(owner, channel.Id, OpaqueMessages.Frame(), clientId);
        var lateRetry = await PostAsync(owner, channel.Id, OpaqueMessages.Frame(), clientId);

        Assert.Equal(HttpStatusCode.Created, late.Status);
        Assert.NotEqual(first.Message!.Id, late.Message!.Id);
        Assert.Equal(HttpStatusCode.OK, lateRetry.Status);
        Assert.Equal(late.Message.Id, lateRetry.Message!.Id);
        Assert.Equal(2, await CountAsync(channel.Id));
    }

    [Fact]
    public async Task Retry_OfARefusedSend_IsRefusedAgain_AndAFixedSendIsStored()
    {
        var (owner, channel) = await ChannelAsync();
        var clientId = Guid.NewGuid().ToString();

        var bad = await PostAsync(owner, channel.Id, "not a frame", clientId);
        var good = await PostAsync(owner, channel.Id, OpaqueMessages.Frame(), clientId);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.Status);
        Assert.Equal(HttpStatusCode.Created, good.Status);
    }
}
