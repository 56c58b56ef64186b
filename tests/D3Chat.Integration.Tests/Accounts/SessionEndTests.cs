using System.Net;
using D3Chat.Client;
using D3Chat.Integration.Tests.Admin;
using D3Chat.Integration.Tests.Infrastructure;
using D3Chat.Integration.Tests.Realtime;
using Dapper;
using Microsoft.AspNetCore.SignalR.Client;

namespace D3Chat.Integration.Tests.Accounts;

/// <summary>Issue 12 item 6: sessions end when they should (and access tokens with them), and only then.</summary>
[Collection(ServerCollections.Accounts)]
public sealed class SessionEndTests(ServerFixture fixture)
{
    private readonly D3ChatServer _server = fixture.Server;

    private D3ChatClient ClientWith(string accessToken)
    {
        var client = _server.CreateClient();
        client.AccessToken = accessToken;
        return client;
    }

    private static async Task AssertTokenEndedAsync(D3ChatClient client) =>
        await Expect401Async(() => client.GetMeAsync(), "Invalid token");

    private static async Task Expect401Async(Func<Task> call, string detail)
    {
        var error = await Assert.ThrowsAsync<ApiException>(call);
        Assert.Equal((HttpStatusCode.Unauthorized, detail), (error.Status, error.Detail));
    }

    [Fact]
    public async Task PasswordChange_EndsEveryOtherSession_TheCallerRefreshesOnce()
    {
        var username = Names.Username();
        var mine = await _server.CreateClient().RegisterAsync(username, Names.Password);
        var other = await _server.CreateClient().LoginAsync(username, Names.Password);
        var me = ClientWith(mine.AccessToken);

        await me.ChangePasswordAsync(Names.Password, "N3w-" + Names.Password);

        await AssertTokenEndedAsync(ClientWith(other.AccessToken));
        await Expect401Async(() => _server.CreateClient().RefreshAsync(other.RefreshToken), "Invalid refresh token");
        await AssertTokenEndedAsync(me);
        var renewed = await _server.CreateClient().RefreshAsync(mine.RefreshToken);
        Assert.Equal(username, (await ClientWith(renewed.AccessToken).GetMeAsync()).Username);
    }

    [Fact]
    public async Task LogoutAll_AccessTokensFailAtOnce_AndTheRealtimeConnectionIsClosed()
    {
        var username = Names.Username();
        var first = await _server.CreateClient().RegisterAsync(username, Names.Password);
        var second = await _server.CreateClient().LoginAsync(username, Names.Password);
        await using var listener = await RealtimeListener.ConnectAsync(ClientWith(second.AccessToken));
        Assert.Equal(HubConnectionState.Connected, listener.State);

        await ClientWith(first.AccessToken).LogoutAllAsync();

        await AssertTokenEndedAsync(ClientWith(first.AccessToken));
        await AssertTokenEndedAsync(ClientWith(second.AccessToken));
        await Expect401Async(() => _server.CreateClient().RefreshAsync(second.RefreshToken), "Invalid refresh token");
        await Eventually.TrueAsync(() => Task.FromResult(listener.State != HubConnectionState.Connected), TimeSpan.FromSeconds(20),
            "the SignalR connection closed by the service");
        var again = await _server.CreateClient().LoginAsync(username, Names.Password);
        Assert.Equal(username, (await ClientWith(again.AccessToken).GetMeAsync()).Username);
    }

    [Fact]
    public async Task Suspension_EndsAccessTokens_EvenAfterItIsLifted()
    {
        var root = await _server.CreateSuperadminClientAsync();
        var (target, targetId) = await AdminTestUsers.UserAsync(_server);
        await using var listener = await RealtimeListener.ConnectAsync(target);

        await root.SuspendAsync(targetId, 1, "cool down");
        await root.UnsuspendAsync(targetId);

        await AssertTokenEndedAsync(target);
        await Eventually.TrueAsync(() => Task.FromResult(listener.State != HubConnectionState.Connected), TimeSpan.FromSeconds(20),
            "the SignalR connection closed by the service");
    }

    [Fact]
    public async Task Refresh_WhileSuspended_Is403_AndTheSameTokenWorksOnceLifted()
    {
        var root = await _server.CreateSuperadminClientAsync();
        var user = await TestUser.NewAsync(_server);
        await root.SuspendAsync(user.Id, 1, "cool down");

        var refused = await Expect.FailsAsync(() => _server.CreateClient().RefreshAsync(user.Tokens.RefreshToken), HttpStatusCode.Forbidden);
        await root.UnsuspendAsync(user.Id);
        var again = await _server.CreateClient().RefreshAsync(user.Tokens.RefreshToken);

        Assert.StartsWith("Account suspended until ", refused.Detail);
        Assert.Equal(user.Id, (await ClientWith(again.AccessToken).GetMeAsync()).Id);
    }

    [Fact]
    public async Task ConcurrentRefreshesWithOneToken_AllGetTheSameSuccessor()
    {
        var registered = (await TestUser.NewAsync(_server)).Tokens;

        var refreshed = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => _server.CreateClient().RefreshAsync(registered.RefreshToken)));

        Assert.Single(refreshed.Select(r => r.RefreshToken).Distinct());
        Assert.All(refreshed, r => Assert.Equal(registered.UserId, r.UserId));
        var next = await _server.CreateClient().RefreshAsync(refreshed[0].RefreshToken);
        await ClientWith(next.AccessToken).GetMeAsync();
    }

    [Fact]
    public async Task ReuseAfterTheGrace_StillRevokesTheSession()
    {
        var registered = (await TestUser.NewAsync(_server)).Tokens;
        var current = await _server.CreateClient().RefreshAsync(registered.RefreshToken);
        await RefreshGrace.PassAsync(_server, registered.UserId);

        await Expect401Async(() => _server.CreateClient().RefreshAsync(registered.RefreshToken), "Invalid refresh token");
        await Expect401Async(() => _server.CreateClient().RefreshAsync(current.RefreshToken), "Invalid refresh token");
    }
}

/// <summary>Moves a user's refresh-token rotations back in time, past <c>AuthService.RefreshGrace</c>.</summary>
public static class RefreshGrace
{
    /// <summary>31 s later, without a 31 s test: the user's rotations are moved back past the refresh grace.</summary>
    public static async Task PassAsync(D3ChatServer server, Guid userId)
    {
        await using var dataSource = server.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            UPDATE retired_refresh_tokens SET retired_at = retired_at - interval '31 seconds'
            WHERE session_id IN (SELECT id FROM sessions WHERE user_id = @UserId)
            """, new { UserId = userId });
    }
}
