using System.Net;
using System.Text.Json;
using D3Chat.Client;
using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.Messaging;

[Collection(ServerCollections.Messaging)]
public sealed class MessageTests(ServerFixture fixture)
{
    private readonly D3ChatServer _server = fixture.Server;

    private async Task<(TestUser Owner, ChannelResponse Channel)> ChannelAsync()
    {
        var owner = await TestUser.NewAsync(_server);
        return (owner, await owner.Client.CreateChannelAsync("room"));
    }

    [Fact]
    public async Task SendMessage_Member_Is201AndWritesMessageNewWithTheSameShape()
    {
        var (owner, channel) = await ChannelAsync();

        var frame = OpaqueMessages.Frame();
        using var response = await owner.Client.SendAsync(HttpMethod.Post, $"/api/v1/channels/{channel.Id}/messages",
            new { content = frame, sender_device_id = owner.DeviceId, protocol_version = 3 });
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("text", body.GetProperty("content_type").GetString());
        Assert.Equal(3, body.GetProperty("protocol_version").GetInt32());
        Assert.Equal(frame, body.GetProperty("content").GetString());
        Assert.Equal(owner.DeviceId.ToString(), body.GetProperty("sender_device_id").GetString());
        Assert.Equal(0, body.GetProperty("attachments").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("reply_to").ValueKind);
        var id = body.GetProperty("id").GetString()!;
        var created = Assert.Single(await Outbox.EventsAsync(_server, "payload->'data'->'message'->>'id'", id));
        Assert.Equal("message.new", created.GetProperty("data").GetProperty("type").GetString());
        Assert.Equal(channel.Id.ToString(), created.GetProperty("channel_id").GetString());
        // jsonb normalises whitespace and key order, so compare as JSON values.
        Assert.True(JsonElement.DeepEquals(body, created.GetProperty("data").GetProperty("message")), created.GetRawText());
        var page = await owner.Client.GetMessagesAsync(channel.Id);
        Assert.Equal(Guid.Parse(id), Assert.Single(page.Messages).Id);
        Assert.False(page.HasMore);
    }

    [Fact]
    public async Task SendMessage_NonMemberOrUnknownChannel_Is403()
    {
        var (_, channel) = await ChannelAsync();
        var stranger = await TestUser.NewAsync(_server);

        await Expect.FailsAsync(() => stranger.SendOpaqueAsync(channel.Id), HttpStatusCode.Forbidden, "Not a member of this channel");
        await Expect.FailsAsync(() => stranger.SendOpaqueAsync(Guid.NewGuid()), HttpStatusCode.Forbidden, "Not a member of this channel");
        await Expect.FailsAsync(() => stranger.Client.GetMessagesAsync(channel.Id), HttpStatusCode.Forbidden, "Not a member of this channel");
    }

    [Fact]
    public async Task SendMessage_SomeoneElsesOrUnknownDevice_Is400()
    {
        var (owner, channel) = await ChannelAsync();
        var other = await TestUser.NewAsync(_server);

        await Expect.FailsAsync(() => owner.Client.SendOpaqueAsync(channel.Id, other.DeviceId), HttpStatusCode.BadRequest, "sender_device_id must be one of your devices");
        await Expect.FailsAsync(() => owner.Client.SendOpaqueAsync(channel.Id, Guid.NewGuid()), HttpStatusCode.BadRequest, "sender_device_id must be one of your devices");
        Assert.Empty((await owner.Client.GetMessagesAsync(channel.Id)).Messages);
    }

    [Fact]
    public async Task SendMessage_MissingContent_Is422()
    {
        var (owner, channel) = await ChannelAsync();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, await Expect.StatusAsync(owner.Client, HttpMethod.Post, $"/api/v1/channels/{channel.Id}/messages", new { content_type = "text" }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await Expect.StatusAsync(owner.Client, HttpMethod.Post, "/api/v1/channels/nope/messages", new { content = "x" }));
    }

    [Fact]
    public async Task SendMessage_ReplyInSameChannel_CarriesTheSnippet_OtherChannelIs400()
    {
        var (owner, channel) = await ChannelAsync();
        var otherChannel = await owner.Client.CreateChannelAsync("elsewhere");
        var parent = await owner.SendOpaqueAsync(channel.Id);
        var foreign = await owner.SendOpaqueAsync(otherChannel.Id);

        var reply = await owner.SendOpaqueAsync(channel.Id, replyToId: parent.Id);

        Assert.Equal(parent.Id, reply.ReplyToId);
        Assert.Equal(new ReplySnippet(parent.Id, owner.Id, parent.Content, "text", 3), reply.ReplyTo);
        const string detail = "reply_to_id must reference a message in the same channel";
        await Expect.FailsAsync(() => owner.SendOpaqueAsync(channel.Id, replyToId: foreign.Id), HttpStatusCode.BadRequest, detail);
        await Expect.FailsAsync(() => owner.SendOpaqueAsync(channel.Id, replyToId: Guid.NewGuid()), HttpStatusCode.BadRequest, detail);
    }

    [Fact]
    public async Task EditMessage_BySender_Is200WithEditedAtAndWritesMessageEdit()
    {
        var (owner, channel) = await ChannelAsync();
        var message = await owner.SendOpaqueAsync(channel.Id);
        var second = OpaqueMessages.Frame();

        var edited = await owner.Client.EditOpaqueAsync(message.Id, second);

        Assert.Equal(second, edited.Content);
        Assert.Equal(3, edited.ProtocolVersion);
        Assert.NotNull(edited.EditedAt);
        Assert.Equal(second, (await owner.Client.GetMessagesAsync(channel.Id)).Messages.Single().Content);
        var edit = Assert.Single(await Outbox.EventsAsync(_server, "payload->>'type' = 'message.edit' AND payload->'data'->'message'->>'id'", message.Id.ToString()));
        Assert.Equal(second, edit.GetProperty("data").GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task EditMessage_OtherUserOrUnknown_Is403Or404()
    {
        var (owner, channel) = await ChannelAsync();
        var member = await TestUser.NewAsync(_server);
        await member.Client.JoinChannelAsync(channel.Id);
        var message = await owner.SendOpaqueAsync(channel.Id);

        await Expect.FailsAsync(() => member.Client.EditOpaqueAsync(message.Id), HttpStatusCode.Forbidden, "Can only edit own messages");
        await Expect.FailsAsync(() => owner.Client.EditOpaqueAsync(Guid.NewGuid()), HttpStatusCode.NotFound, "Message not found");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await Expect.StatusAsync(owner.Client, HttpMethod.Patch, "/api/v1/channels/messages/nope", new { content = "x" }));
    }

    [Fact]
    public async Task DeleteMessage_BySender_Is204_RepliesLoseTheirSnippet_OthersGet403()
    {
        var (owner, channel) = await ChannelAsync();
        var member = await TestUser.NewAsync(_server);
        await member.Client.JoinChannelAsync(channel.Id);
        var parent = await owner.SendOpaqueAsync(channel.Id);
        await member.SendOpaqueAsync(channel.Id, replyToId: parent.Id);

        await Expect.FailsAsync(() => member.Client.DeleteMessageAsync(parent.Id), HttpStatusCode.Forbidden, "Can only delete own messages");
        await owner.Client.DeleteMessageAsync(parent.Id);

        await Expect.FailsAsync(() => owner.Client.DeleteMessageAsync(parent.Id), HttpStatusCode.NotFound, "Message not found");
        var remaining = Assert.Single((await owner.Client.GetMessagesAsync(channel.Id)).Messages);
        Assert.Null(remaining.ReplyToId);
        Assert.Null(remaining.ReplyTo);
        var deleted = Assert.Single(await Outbox.EventsAsync(_server, "payload->>'type' = 'message.delete' AND payload->'data'->>'message_id'", parent.Id.ToString()));
        Assert.Equal(channel.Id.ToString(), deleted.GetProperty("data").GetProperty("channel_id").GetString());
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=101")]
    [InlineData("limit=ten")]
    [InlineData("before=yesterday")]
    [InlineData("before=2026-01-01T00:00:00Z&before_id=nope")]
    public async Task ListMessages_InvalidQuery_Is422(string query)
    {
        var (owner, channel) = await ChannelAsync();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, await Expect.StatusAsync(owner.Client, HttpMethod.Get, $"/api/v1/channels/{channel.Id}/messages?{query}"));
    }

    [Fact]
    public async Task ListMessages_BeforeOnly_ReturnsStrictlyOlderOldestFirst()
    {
        var (owner, channel) = await ChannelAsync();
        var sent = new List<MessageResponse>();
        for (var i = 0; i < 5; i++)
        {
            sent.Add(await owner.SendOpaqueAsync(channel.Id));
        }

        var latest = await owner.Client.GetMessagesAsync(channel.Id, limit: 2);
        var older = await owner.Client.GetMessagesAsync(channel.Id, before: latest.Messages[0].CreatedAt, limit: 100);

        Assert.Equal(sent.TakeLast(2).Select(m => m.Id), latest.Messages.Select(m => m.Id));
        Assert.True(latest.HasMore);
        Assert.Equal(sent.Take(3).Select(m => m.Id), older.Messages.Select(m => m.Id));
        Assert.False(older.HasMore);
    }
}
