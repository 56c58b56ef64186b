using System.Net;
using D3Chat.Client;
using ChannelEncryption = D3Chat.Core.Channels.ChannelEncryption;
using Problem = D3Chat.Core.Http.Problem;
using MessageFrame = D3Chat.Core.Messages.MessageFrame;
using SendMessageRequest = D3Chat.Core.Messages.SendMessageRequest;
using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.Messaging;

/// <summary>
/// The server's side of end-to-end encryption (issue 10): every channel is encrypted, plaintext is
/// refused, protocol v3 messages need their device and a well-formed frame, edits keep the framing.
/// </summary>
[Collection(ServerCollections.Messaging)]
public sealed class EncryptedMessageTests(ServerFixture fixture)
{
    private readonly D3ChatServer _server = fixture.Server;

    private async Task<(TestUser Owner, ChannelResponse Channel)> ChannelAsync()
    {
        var owner = await TestUser.NewAsync(_server);
        return (owner, await owner.Client.CreateChannelAsync("sealed"));
    }

    private static string MessagesOf(Guid channelId) => $"/api/v1/channels/{channelId}/messages";

    [Fact]
    public async Task Plaintext_InAGroupChannel_Is400AndStoresNothing()
    {
        var (owner, channel) = await ChannelAsync();

        await Expect.FailsAsync(() => owner.Client.SendMessageAsync(channel.Id, "hello in the clear", owner.DeviceId),
            HttpStatusCode.BadRequest, Problem.PlaintextRefused.Detail);

        Assert.Equal("sender_keys", channel.EncryptionType);
        Assert.Empty((await owner.Client.GetMessagesAsync(channel.Id)).Messages);
        Assert.Empty(await Outbox.EventsAsync(_server, "payload->'data'->'message'->>'channel_id'", channel.Id.ToString()));
    }

    [Fact]
    public async Task Plaintext_InADm_Is400()
    {
        var alice = await TestUser.NewAsync(_server);
        var bob = await TestUser.NewAsync(_server);
        var dm = await alice.Client.CreateDmAsync(bob.Id);

        await Expect.FailsAsync(() => alice.Client.SendMessageAsync(dm.Id, "psst"), HttpStatusCode.BadRequest, Problem.PlaintextRefused.Detail);
        var sent = await alice.SendOpaqueAsync(dm.Id);

        Assert.Equal(3, sent.ProtocolVersion);
        Assert.Equal(alice.DeviceId, sent.SenderDeviceId);
    }

    [Fact]
    public async Task V3_WithoutSenderDevice_Is422()
    {
        var (owner, channel) = await ChannelAsync();

        await Expect.InvalidAsync(owner.Client, HttpMethod.Post, MessagesOf(channel.Id), new { content = OpaqueMessages.Frame(), protocol_version = 3 },
            ["body", "sender_device_id"], SendMessageRequest.DeviceRequired);
        Assert.Empty((await owner.Client.GetMessagesAsync(channel.Id)).Messages);
    }

    public static TheoryData<string, string> BadFrames()
    {
        var wrongVersion = Convert.FromBase64String(OpaqueMessages.Frame());
        wrongVersion[0] = 0x02;
        var wrongType = Convert.FromBase64String(OpaqueMessages.Frame());
        wrongType[1] = 0x01;
        var tooShort = new byte[MessageFrame.MinLength - 1];
        tooShort[0] = MessageFrame.Version;
        tooShort[1] = MessageFrame.TypeGroup;
        return new()
        {
            { "hello", MessageFrame.NotBase64 },
            { OpaqueMessages.Frame().TrimEnd('=') + "!", MessageFrame.NotBase64 },
            { " " + OpaqueMessages.Frame(), MessageFrame.NotBase64 },
            { Convert.ToBase64String(wrongVersion), MessageFrame.WrongHeader },
            { Convert.ToBase64String(wrongType), MessageFrame.WrongHeader },
            { Convert.ToBase64String(tooShort), MessageFrame.TooShort },
        };
    }

    [Theory]
    [MemberData(nameof(BadFrames))]
    public async Task V3_MalformedFrame_Is422WithTheReason(string content, string reason)
    {
        var (owner, channel) = await ChannelAsync();

        await Expect.InvalidAsync(owner.Client, HttpMethod.Post, MessagesOf(channel.Id),
            new { content, protocol_version = 3, sender_device_id = owner.DeviceId }, ["body", "content"], reason);
        Assert.Empty((await owner.Client.GetMessagesAsync(channel.Id)).Messages);
    }

    [Fact]
    public async Task V3_ShortestFrame_Is201()
    {
        var (owner, channel) = await ChannelAsync();

        var sent = await owner.Client.SendOpaqueAsync(channel.Id, owner.DeviceId, content: OpaqueMessages.Frame(ciphertextLength: 16));

        Assert.Equal(MessageFrame.MinLength, Convert.FromBase64String(sent.Content).Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(-1)]
    public async Task UnknownProtocolVersion_Is422(int version)
    {
        var (owner, channel) = await ChannelAsync();

        await Expect.InvalidAsync(owner.Client, HttpMethod.Post, MessagesOf(channel.Id),
            new { content = OpaqueMessages.Frame(), protocol_version = version, sender_device_id = owner.DeviceId },
            ["body", "protocol_version"], SendMessageRequest.UnknownProtocolVersion);
    }

    [Fact]
    public async Task ReferenceV2_IsAcceptedAsOpaque()
    {
        var (owner, channel) = await ChannelAsync();

        var sent = await owner.Client.SendMessageAsync(channel.Id, "reference-ciphertext", owner.DeviceId, protocolVersion: 2);

        Assert.Equal(2, sent.ProtocolVersion);
        Assert.Equal("reference-ciphertext", sent.Content);
    }

    [Fact]
    public async Task EditOfV3_WithoutAFrame_Is422AndKeepsTheMessage()
    {
        var (owner, channel) = await ChannelAsync();
        var message = await owner.SendOpaqueAsync(channel.Id);

        await Expect.FailsAsync(() => owner.Client.EditMessageAsync(message.Id, "now in the clear"), HttpStatusCode.UnprocessableEntity, MessageFrame.NotBase64);
        await Expect.FailsAsync(() => owner.Client.EditMessageAsync(message.Id, Convert.ToBase64String(new byte[200])), HttpStatusCode.UnprocessableEntity, MessageFrame.WrongHeader);

        var stored = Assert.Single((await owner.Client.GetMessagesAsync(channel.Id)).Messages);
        Assert.Equal(message.Content, stored.Content);
        Assert.Null(stored.EditedAt);
    }

    [Fact]
    public async Task EditOfLegacyPlaintext_InAnEncryptedChannel_Is400()
    {
        var (owner, channel) = await ChannelAsync();
        var legacyId = Guid.NewGuid();
        await using (var dataSource = _server.CreateDataSource())
        await using (var insert = dataSource.CreateCommand(
            "INSERT INTO messages (id, channel_id, sender_id, content, protocol_version, created_at) VALUES ($1, $2, $3, 'old', 1, now())"))
        {
            insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = legacyId });
            insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = channel.Id });
            insert.Parameters.Add(new Npgsql.NpgsqlParameter { Value = owner.Id });
            await insert.ExecuteNonQueryAsync();
        }

        await Expect.FailsAsync(() => owner.Client.EditMessageAsync(legacyId, "newer plaintext"), HttpStatusCode.BadRequest, Problem.PlaintextRefused.Detail);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("plaintext")]
    public async Task CreateChannel_UnencryptedType_Is422(string encryptionType)
    {
        var owner = await TestUser.NewAsync(_server);

        await Expect.InvalidAsync(owner.Client, HttpMethod.Post, "/api/v1/channels", new { name = "open", encryption_type = encryptionType },
            ["body", "encryption_type"], ChannelEncryption.CreatableMessage);
        Assert.Empty(await owner.Client.ListChannelsAsync());
    }

    [Fact]
    public async Task CreateChannel_SenderKeysExplicitly_Is201()
    {
        var owner = await TestUser.NewAsync(_server);

        var channel = await owner.Client.CreateChannelAsync("explicit", encryptionType: "sender_keys");

        Assert.Equal("sender_keys", channel.EncryptionType);
    }
}
