using System.Net;
using D3Chat.Client;
using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.Realtime;

[Collection(ServerCollections.Realtime)]
public sealed class TypingAndPresenceTests(ServerFixture fixture)
{
    private readonly D3ChatServer _server = fixture.Server;

    [Fact]
    public async Task Typing_NotAMember_Returns403()
    {
        var (a, _) = await UserAsync();
        var (_, otherId) = await UserAsync();
        var channel = await RealtimeTestData.ChannelWithMembersAsync(_server, otherId);

        var error = await Assert.ThrowsAsync<ApiException>(() => a.SendTypingAsync(channel, "start"));

        Assert.Equal(HttpStatusCode.Forbidden, error.Status);
        Assert.Equal("Not a member of this channel", error.Detail);
    }

    [Fact]
    public async Task Typing_UnknownState_Returns422()
    {
        var (a, aId) = await UserAsync();
        var channel = await RealtimeTestData.ChannelWithMembersAsync(_server, aId);

        var error = await Assert.ThrowsAsync<ApiException>(() => a.SendTypingAsync(channel, "typing"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Status);
    }

    [Fact]
    public async Task Typing_ChannelIdNotAUuid_Returns422()
    {
        var (a, _) = await UserAsync();

        using var response = await a.SendAsync(HttpMethod.Post, "/api/v1/channels/not-a-uuid/typing", new { state = "start" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Fact]
    public async Task Presence_SetAwayThenOffline_IsReadBackByOthers()
    {
        var (a, aId) = await UserAsync();
        var (b, _) = await UserAsync();
        var (stranger, _) = await UserAsync();
        var shared = await a.CreateChannelAsync("presence");
        await b.JoinChannelAsync(shared.Id);
        var silent = Guid.NewGuid();

        await a.SetPresenceAsync("away");
        var whileAway = await b.GetPresenceAsync([aId, silent]);
        // Issue 12 item 11: presence only for users who share a channel with the target.
        Assert.Equal([new PresenceStatus(aId, "offline")], await stranger.GetPresenceAsync([aId]));
        await a.SetPresenceAsync("offline");
        var afterOffline = await b.GetPresenceAsync([aId]);

        Assert.Equal([new PresenceStatus(aId, "away"), new PresenceStatus(silent, "offline")], whileAway);
        Assert.Equal([new PresenceStatus(aId, "offline")], afterOffline);
    }

    [Fact]
    public async Task Presence_UnknownStatus_Returns422()
    {
        var (a, _) = await UserAsync();

        var error = await Assert.ThrowsAsync<ApiException>(() => a.SetPresenceAsync("busy"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?user_ids=")]
    [InlineData("?user_ids=nope")]
    public async Task Presence_BadUserIds_Returns422(string query)
    {
        var (a, _) = await UserAsync();

        using var response = await a.SendAsync(HttpMethod.Get, "/api/v1/presence" + query);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Fact]
    public async Task Presence_WithoutBearer_Returns401()
    {
        using var response = await _server.CreateClient().SendAsync(HttpMethod.Put, "/api/v1/presence", new { status = "online" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task<(D3ChatClient Client, Guid Id)> UserAsync()
    {
        var client = _server.CreateClient();
        var tokens = await client.RegisterAsync(Names.Username(), Names.Password);
        return (client, tokens.UserId);
    }
}
