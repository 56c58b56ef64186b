using System.Net;
using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.Messaging;

[Collection(ServerCollections.Messaging)]
public sealed class ChannelTests(ServerFixture fixture)
{
    private readonly D3ChatServer _server = fixture.Server;

    [Fact]
    public async Task CreateChannel_ValidName_Is201WithCreatorAsOwnerAndPublicByDefault()
    {
        var owner = await TestUser.NewAsync(_server);

        var channel = await owner.Client.CreateChannelAsync("general");

        Assert.Equal("general", channel.Name);
        Assert.False(channel.IsDm);
        Assert.True(channel.IsPublic);
        Assert.Equal("sender_keys", channel.EncryptionType);
        Assert.Equal(owner.Id, channel.CreatedBy);
        var member = Assert.Single(await owner.Client.ListMembersAsync(channel.Id));
        Assert.Equal(("owner", owner.Id), (member.Role, member.UserId));
        Assert.Contains(await owner.Client.ListChannelsAsync(), c => c.Id == channel.Id);
        Assert.Equal(channel, await owner.Client.GetChannelAsync(channel.Id));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"name\":\"\"}")]
    public async Task CreateChannel_MissingOrEmptyName_Is422(string body)
    {
        var owner = await TestUser.NewAsync(_server);
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, await Expect.StatusAsync(owner.Client, HttpMethod.Post, "/api/v1/channels", content));
    }

    [Fact]
    public async Task ChannelRoutes_WithoutToken_Are401()
    {
        var anonymous = _server.CreateClient();
        var id = Guid.NewGuid();

        Assert.Equal(HttpStatusCode.Unauthorized, await Expect.StatusAsync(anonymous, HttpMethod.Get, "/api/v1/channels"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Expect.StatusAsync(anonymous, HttpMethod.Post, "/api/v1/channels", new { name = "x" }));
        Assert.Equal(HttpStatusCode.Unauthorized, await Expect.StatusAsync(anonymous, HttpMethod.Get, $"/api/v1/channels/{id}"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Expect.StatusAsync(anonymous, HttpMethod.Post, $"/api/v1/channels/{id}/join"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Expect.StatusAsync(anonymous, HttpMethod.Post, "/api/v1/channels/dm", new { user_id = id }));
    }

    [Fact]
    public async Task GetChannel_NonMemberUnknownOrMalformed_Is403Or404Or422()
    {
        var owner = await TestUser.NewAsync(_server);
        var stranger = await TestUser.NewAsync(_server);
        var channel = await owner.Client.CreateChannelAsync("private-ish");

        await Expect.FailsAsync(() => stranger.Client.GetChannelAsync(channel.Id), HttpStatusCode.Forbidden, "Not a member of this channel");
        await Expect.FailsAsync(() => stranger.Client.ListMembersAsync(channel.Id), HttpStatusCode.Forbidden, "Not a member of this channel");
        await Expect.FailsAsync(() => owner.Client.GetChannelAsync(Guid.NewGuid()), HttpStatusCode.NotFound, "Channel not found");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await Expect.StatusAsync(owner.Client, HttpMethod.Get, "/api/v1/channels/not-a-uuid"));
    }

    [Fact]
    public async Task UpdateChannel_AnyMemberRenames_OnlyOwnerChangesVisibility()
    {
        var owner = await TestUser.NewAsync(_server);
        var member = await TestUser.NewAsync(_server);
        var channel = await owner.Client.CreateChannelAsync("before");
        await member.Client.JoinChannelAsync(channel.Id);

        var renamed = await member.Client.UpdateChannelAsync(channel.Id, name: "after");
        // The current visibility sent along with a rename is no change (a client that sends both fields).
        var alongside = await member.Client.UpdateChannelAsync(channel.Id, name: "after", isPublic: true);
        await Expect.FailsAsync(() => member.Client.UpdateChannelAsync(channel.Id, isPublic: false), HttpStatusCode.Forbidden, "Requires role: owner");
        var hidden = await owner.Client.UpdateChannelAsync(channel.Id, isPublic: false);

        Assert.Equal("after", renamed.Name);
        Assert.True(alongside.IsPublic);
        Assert.False(hidden.IsPublic);
        Assert.Equal("after", (await owner.Client.GetChannelAsync(channel.Id)).Name);
        var stranger = await TestUser.NewAsync(_server);
        await Expect.FailsAsync(() => stranger.Client.UpdateChannelAsync(channel.Id, name: "x"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task DeleteChannel_MemberIs403_OwnerIs204_ThenGone()
    {
        var owner = await TestUser.NewAsync(_server);
        var member = await TestUser.NewAsync(_server);
        var channel = await owner.Client.CreateChannelAsync("doomed");
        await member.Client.JoinChannelAsync(channel.Id);

        await Expect.FailsAsync(() => member.Client.DeleteChannelAsync(channel.Id), HttpStatusCode.Forbidden, "Requires role: owner");
        await owner.Client.DeleteChannelAsync(channel.Id);

        await Expect.FailsAsync(() => owner.Client.GetChannelAsync(channel.Id), HttpStatusCode.NotFound, "Channel not found");
        var deleted = Assert.Single(await Outbox.EventsAsync(_server, "payload->>'type' = 'channel.delete' AND payload->'membership'->>'channel_id'", channel.Id.ToString()));
        Assert.Equal(2, deleted.GetProperty("membership").GetProperty("left").GetArrayLength());
    }

    [Fact]
    public async Task Join_PublicChannel_Is204IdempotentAndWritesAMembershipEvent()
    {
        var owner = await TestUser.NewAsync(_server);
        var joiner = await TestUser.NewAsync(_server);
        var channel = await owner.Client.CreateChannelAsync("open");

        await joiner.Client.JoinChannelAsync(channel.Id);
        await joiner.Client.JoinChannelAsync(channel.Id);

        var members = await joiner.Client.ListMembersAsync(channel.Id);
        Assert.Equal("member", members.Single(m => m.UserId == joiner.Id).Role);
        var join = Assert.Single(await Outbox.EventsAsync(_server, "payload->>'type' = 'channel.join' AND payload->'membership'->>'channel_id'", channel.Id.ToString()));
        Assert.Equal(joiner.Id.ToString(), join.GetProperty("membership").GetProperty("joined")[0].GetString());
    }

    [Fact]
    public async Task Join_PrivateChannelDmOrUnknown_IsRefused()
    {
        var owner = await TestUser.NewAsync(_server);
        var other = await TestUser.NewAsync(_server);
        var outsider = await TestUser.NewAsync(_server);
        var hidden = await owner.Client.CreateChannelAsync("hidden", isPublic: false);
        var dm = await owner.Client.CreateDmAsync(other.Id);

        await Expect.FailsAsync(() => outsider.Client.JoinChannelAsync(hidden.Id), HttpStatusCode.Forbidden);
        await Expect.FailsAsync(() => outsider.Client.JoinChannelAsync(dm.Id), HttpStatusCode.Forbidden, "Direct messages cannot be joined");
        await Expect.FailsAsync(() => outsider.Client.JoinChannelAsync(Guid.NewGuid()), HttpStatusCode.NotFound, "Channel not found");
        await Expect.FailsAsync(() => outsider.Client.GetChannelAsync(dm.Id), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Leave_Member_Is204AndEndsAccess_UnknownChannelIs204Too()
    {
        var owner = await TestUser.NewAsync(_server);
        var member = await TestUser.NewAsync(_server);
        var channel = await owner.Client.CreateChannelAsync("leaving");
        await member.Client.JoinChannelAsync(channel.Id);

        await member.Client.LeaveChannelAsync(channel.Id);
        await member.Client.LeaveChannelAsync(Guid.NewGuid());

        await Expect.FailsAsync(() => member.Client.GetChannelAsync(channel.Id), HttpStatusCode.Forbidden);
        var leave = Assert.Single(await Outbox.EventsAsync(_server, "payload->>'type' = 'channel.leave' AND payload->'membership'->>'channel_id'", channel.Id.ToString()));
        Assert.Equal(member.Id.ToString(), leave.GetProperty("membership").GetProperty("left")[0].GetString());
    }

    [Fact]
    public async Task AddMember_ToPrivateChannel_Is201AndSendsChannelNewToTheTarget()
    {
        var owner = await TestUser.NewAsync(_server);
        var invitee = await TestUser.NewAsync(_server);
        var channel = await owner.Client.CreateChannelAsync("invite-only", isPublic: false);

        var added = await owner.Client.AddMemberAsync(channel.Id, invitee.Id);

        Assert.Equal(("member", invitee.Id), (added.Role, added.UserId));
        Assert.Equal(channel.Id, (await invitee.Client.GetChannelAsync(channel.Id)).Id);
        var channelNew = Assert.Single(await Outbox.EventsAsync(_server, "payload->>'type' = 'channel.new' AND payload->'membership'->>'channel_id'", channel.Id.ToString()));
        Assert.Equal(invitee.Id.ToString(), channelNew.GetProperty("user_ids")[0].GetString());
        Assert.Equal(channel.Id.ToString(), channelNew.GetProperty("data").GetProperty("channel").GetProperty("id").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, channelNew.GetProperty("channel_id").ValueKind);
    }

    [Fact]
    public async Task AddMember_ErrorCases_Are403Or400Or404Or409()
    {
        var owner = await TestUser.NewAsync(_server);
        var other = await TestUser.NewAsync(_server);
        var outsider = await TestUser.NewAsync(_server);
        var channel = await owner.Client.CreateChannelAsync("team");
        var dm = await owner.Client.CreateDmAsync(other.Id);
        await owner.Client.AddMemberAsync(channel.Id, other.Id);

        await Expect.FailsAsync(() => outsider.Client.AddMemberAsync(channel.Id, outsider.Id), HttpStatusCode.Forbidden, "Not a member of this channel");
        await Expect.FailsAsync(() => owner.Client.AddMemberAsync(dm.Id, outsider.Id), HttpStatusCode.BadRequest, "Cannot add members to a DM");
        await Expect.FailsAsync(() => owner.Client.AddMemberAsync(channel.Id, Guid.NewGuid()), HttpStatusCode.NotFound, "User not found");
        await Expect.FailsAsync(() => owner.Client.AddMemberAsync(channel.Id, other.Id), HttpStatusCode.Conflict, "User is already a member");
        await Expect.FailsAsync(() => owner.Client.AddMemberAsync(Guid.NewGuid(), other.Id), HttpStatusCode.NotFound, "Channel not found");
    }

    [Fact]
    public async Task CreateDm_Twice_Returns201WithTheSameChannelAndNotifiesBoth()
    {
        var alice = await TestUser.NewAsync(_server);
        var bob = await TestUser.NewAsync(_server);

        var first = await alice.Client.CreateDmAsync(bob.Id);
        var second = await bob.Client.CreateDmAsync(alice.Id);

        Assert.Equal(first.Id, second.Id);
        Assert.True(first.IsDm);
        Assert.False(first.IsPublic);
        Assert.Null(first.Name);
        Assert.Equal("x3dh", first.EncryptionType);
        Assert.All(await bob.Client.ListMembersAsync(first.Id), m => Assert.Equal("member", m.Role));
        var channelNew = Assert.Single(await Outbox.EventsAsync(_server, "payload->>'type' = 'channel.new' AND payload->'membership'->>'channel_id'", first.Id.ToString()));
        Assert.Equal(2, channelNew.GetProperty("user_ids").GetArrayLength());
    }

    [Fact]
    public async Task CreateDm_WithYourselfOrUnknownUser_Is400Or404()
    {
        var alice = await TestUser.NewAsync(_server);

        await Expect.FailsAsync(() => alice.Client.CreateDmAsync(alice.Id), HttpStatusCode.BadRequest, "Cannot create a DM with yourself");
        await Expect.FailsAsync(() => alice.Client.CreateDmAsync(Guid.NewGuid()), HttpStatusCode.NotFound, "User not found");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, await Expect.StatusAsync(alice.Client, HttpMethod.Post, "/api/v1/channels/dm", new { }));
    }
}
