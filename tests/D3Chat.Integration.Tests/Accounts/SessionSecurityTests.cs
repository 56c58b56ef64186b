using System.Net;
using D3Chat.Client;
using D3Chat.Integration.Tests.Admin;
using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.Accounts;

[Collection(ServerCollections.Accounts)]
public sealed class SessionSecurityTests(ServerFixture fixture)
{
    private readonly D3ChatServer _server = fixture.Server;

    [Fact]
    public async Task Refresh_ReplayOfRotatedToken_RevokesTheWholeSession()
    {
        var registered = (await TestUser.NewAsync(_server)).Tokens;
        var current = await _server.CreateClient().RefreshAsync(registered.RefreshToken);
        await RefreshGrace.PassAsync(_server, registered.UserId);

        var replay = await Assert.ThrowsAsync<ApiException>(() => _server.CreateClient().RefreshAsync(registered.RefreshToken));
        var afterReplay = await Assert.ThrowsAsync<ApiException>(() => _server.CreateClient().RefreshAsync(current.RefreshToken));

        Assert.Equal(HttpStatusCode.Unauthorized, replay.Status);
        Assert.Equal("Invalid refresh token", replay.Detail);
        Assert.Equal(HttpStatusCode.Unauthorized, afterReplay.Status);
    }

    [Fact]
    public async Task Refresh_ReplayInOneSession_LeavesOtherSessionsAlone()
    {
        var username = Names.Username();
        var first = await _server.CreateClient().RegisterAsync(username, Names.Password);
        var second = await _server.CreateClient().LoginAsync(username, Names.Password);
        await _server.CreateClient().RefreshAsync(first.RefreshToken);
        await RefreshGrace.PassAsync(_server, first.UserId);

        await Assert.ThrowsAsync<ApiException>(() => _server.CreateClient().RefreshAsync(first.RefreshToken));

        await _server.CreateClient().RefreshAsync(second.RefreshToken);
    }

    [Fact]
    public async Task Ban_TakesEffectOnTheNextRequestAndDeletesSessions()
    {
        var (target, id) = await AdminTestUsers.UserAsync(_server);
        var refresh = (await _server.CreateClient().LoginAsync((await target.GetMeAsync()).Username, Names.Password)).RefreshToken;
        var root = await _server.CreateSuperadminClientAsync();

        var banned = await root.BanAsync(id, "spam");

        Assert.True(banned.IsBanned);
        Assert.Equal("spam", banned.BanReason);
        var gate = await Assert.ThrowsAsync<ApiException>(() => target.GetMeAsync());
        Assert.Equal(HttpStatusCode.Forbidden, gate.Status);
        Assert.Equal("Account has been banned", gate.Detail);
        var refreshError = await Assert.ThrowsAsync<ApiException>(() => _server.CreateClient().RefreshAsync(refresh));
        Assert.Equal(HttpStatusCode.Unauthorized, refreshError.Status);

        await root.UnbanAsync(id);
        // The ban ended every token issued before it; lifting it does not bring them back.
        var ended = await Assert.ThrowsAsync<ApiException>(() => target.GetMeAsync());
        Assert.Equal((HttpStatusCode.Unauthorized, "Invalid token"), (ended.Status, ended.Detail));
        await _server.CreateClient().LoginAsync((await root.AdminGetUserAsync(id)).Username, Names.Password);
    }

    [Fact]
    public async Task Suspend_BlocksTokensAndLoginUntilUnsuspended()
    {
        var (target, id) = await AdminTestUsers.UserAsync(_server);
        var username = (await target.GetMeAsync()).Username;
        var root = await _server.CreateSuperadminClientAsync();

        var suspended = await root.SuspendAsync(id, 2, "cool off");

        Assert.True(suspended.IsSuspended);
        Assert.True(suspended.SuspendedUntil > DateTime.UtcNow.AddHours(1.9));
        var gate = await Assert.ThrowsAsync<ApiException>(() => target.GetMeAsync());
        Assert.Equal(HttpStatusCode.Forbidden, gate.Status);
        Assert.StartsWith("Account suspended until ", gate.Detail, StringComparison.Ordinal);
        var login = await Assert.ThrowsAsync<ApiException>(() => _server.CreateClient().LoginAsync(username, Names.Password));
        Assert.Equal(HttpStatusCode.Forbidden, login.Status);

        var lifted = await root.UnsuspendAsync(id);

        Assert.False(lifted.IsSuspended);
        Assert.Null(lifted.SuspendedUntil);
        await _server.CreateClient().LoginAsync(username, Names.Password);
    }

    [Fact]
    public async Task DeletedUser_TokenStopsWorkingAt401()
    {
        var (target, id) = await AdminTestUsers.UserAsync(_server);
        await target.GetMeAsync();
        var root = await _server.CreateSuperadminClientAsync();

        await root.AdminDeleteUserAsync(id);

        var error = await Assert.ThrowsAsync<ApiException>(() => target.GetMeAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, error.Status);
        Assert.Equal("User not found", error.Detail);
    }
}
