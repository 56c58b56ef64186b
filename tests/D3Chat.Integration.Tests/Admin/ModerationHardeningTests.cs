using System.Net;
using D3Chat.Client;
using D3Chat.Integration.Tests.Infrastructure;
using D3Chat.Integration.Tests.Messaging;
using Dapper;

namespace D3Chat.Integration.Tests.Admin;

/// <summary>Issue 12 items 4 and 5: who may change what, and deleting a user always works.</summary>
[Collection(ServerCollections.Accounts)]
public sealed class ModerationHardeningTests(ServerFixture fixture)
{
    private readonly D3ChatServer _server = fixture.Server;

    [Fact]
    public async Task ExMember_EditOrDeleteOwnMessage_Is403NotAMember()
    {
        var owner = await TestUser.NewAsync(_server);
        var leaver = await TestUser.NewAsync(_server);
        var channel = await owner.Client.CreateChannelAsync("left");
        await leaver.Client.JoinChannelAsync(channel.Id);
        var message = await leaver.Client.SendOpaqueAsync(channel.Id);
        await leaver.Client.LeaveChannelAsync(channel.Id);

        await Expect.FailsAsync(() => leaver.Client.EditOpaqueAsync(message.Id), HttpStatusCode.Forbidden, "Not a member of this channel");
        await Expect.FailsAsync(() => leaver.Client.DeleteMessageAsync(message.Id), HttpStatusCode.Forbidden, "Not a member of this channel");

        var kept = (await owner.Client.GetMessagesAsync(channel.Id)).Messages.Single(m => m.Id == message.Id);
        Assert.Equal((message.Content, null), (kept.Content, kept.EditedAt));
    }

    [Fact]
    public async Task Admin_UnbansOrUnsuspendsAnAdmin_Is403AndNothingChanges()
    {
        var root = await _server.CreateSuperadminClientAsync();
        var (admin, _) = await AdminTestUsers.WithRoleAsync(_server, "admin");
        var (_, banned) = await AdminTestUsers.WithRoleAsync(_server, "admin");
        var (_, suspended) = await AdminTestUsers.WithRoleAsync(_server, "admin");
        await root.BanAsync(banned, "x");
        await root.SuspendAsync(suspended, 5);

        await Expect.FailsAsync(() => admin.UnbanAsync(banned), HttpStatusCode.Forbidden, "Only superadmins can unban admins");
        await Expect.FailsAsync(() => admin.UnsuspendAsync(suspended), HttpStatusCode.Forbidden, "Only superadmins can unsuspend admins");

        Assert.True((await root.AdminGetUserAsync(banned)).IsBanned);
        Assert.True((await root.AdminGetUserAsync(suspended)).IsSuspended);
    }

    [Fact]
    public async Task DemotedAdmin_WithinTheGateCache_CannotModerate()
    {
        // The gate caches the role for up to 30 s; the moderation itself re-reads it under lock.
        var root = await _server.CreateSuperadminClientAsync();
        var (admin, adminId) = await AdminTestUsers.WithRoleAsync(_server, "admin");
        var (_, target) = await AdminTestUsers.UserAsync(_server);
        await admin.AdminGetUserAsync(target); // caches the admin's standing
        await using (var dataSource = _server.CreateDataSource())
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            // Demoted behind the cache's back (as a lost invalidation would leave it).
            await connection.ExecuteAsync("UPDATE users SET role = 'user' WHERE id = @Id", new { Id = adminId });
        }

        await Expect.FailsAsync(() => admin.BanAsync(target), HttpStatusCode.Forbidden, "Admin access required");

        Assert.False((await root.AdminGetUserAsync(target)).IsBanned);
    }

    [Fact]
    public async Task Delete_UserWithDmChannelMessagesAndAuditRows_Is204_TheRestStays()
    {
        var root = await _server.CreateSuperadminClientAsync();
        var (admin, adminId) = await AdminTestUsers.WithRoleAsync(_server, "admin");
        var adminName = (await admin.GetMeAsync()).Username;
        var peer = await TestUser.NewAsync(_server);
        var dm = await admin.CreateDmAsync(peer.Id);
        var group = await admin.CreateChannelAsync("owned");
        await peer.Client.JoinChannelAsync(group.Id);
        var said = await admin.SendOpaqueAsync(dm.Id);
        var (_, moderated) = await AdminTestUsers.UserAsync(_server);
        await admin.BanAsync(moderated, "audit row");

        await root.AdminDeleteUserAsync(adminId);

        var dmMessages = (await peer.Client.GetMessagesAsync(dm.Id)).Messages;
        Assert.Equal((said.Id, (Guid?)null), (dmMessages.Single().Id, dmMessages.Single().SenderId));
        Assert.Null((await peer.Client.GetChannelAsync(group.Id)).CreatedBy);
        var audit = await root.AdminGetAsync($"audit-logs?action=ban_user&admin_id={adminId}");
        var row = Assert.Single(audit.GetProperty("logs").EnumerateArray());
        Assert.Equal(adminName, row.GetProperty("admin_username").GetString());
        await Expect.FailsAsync(() => root.AdminGetUserAsync(adminId), HttpStatusCode.NotFound, "User not found");
    }

    [Fact]
    public async Task DeletedOrRenamedAwayUsername_CannotBeRegisteredAgain_Is409()
    {
        var root = await _server.CreateSuperadminClientAsync();
        var deleted = await TestUser.NewAsync(_server);
        var deletedName = (await deleted.Client.GetMeAsync()).Username;
        var renamed = await TestUser.NewAsync(_server);
        var oldName = (await renamed.Client.GetMeAsync()).Username;
        await renamed.Client.UpdateMeAsync(new { username = Names.Username("r") });
        await root.AdminDeleteUserAsync(deleted.Id);

        await Expect.FailsAsync(() => _server.CreateClient().RegisterAsync(deletedName, Names.Password), HttpStatusCode.Conflict, "Username already taken");
        await Expect.FailsAsync(() => _server.CreateClient().RegisterAsync(oldName, Names.Password), HttpStatusCode.Conflict, "Username already taken");
        var other = await TestUser.NewAsync(_server);
        await Expect.FailsAsync(() => other.Client.UpdateMeAsync(new { username = deletedName }), HttpStatusCode.Conflict, "Username already taken");
    }
}

/// <summary>Superadmins acting on each other at the same moment, on a server of their own.</summary>
public sealed class SuperadminRaceTests : IAsyncLifetime
{
    private D3ChatServer _server = null!;

    public async Task InitializeAsync() => _server = await D3ChatServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<long> UsableSuperadminsAsync()
    {
        await using var dataSource = _server.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("""
            SELECT count(*) FROM users WHERE is_local AND role = 'superadmin' AND NOT is_banned
              AND NOT (is_suspended AND suspended_until > now())
            """);
    }

    private static async Task<HttpStatusCode> StatusOf(Func<Task> call)
    {
        try
        {
            await call();
            return HttpStatusCode.OK;
        }
        catch (ApiException ex)
        {
            return ex.Status;
        }
    }

    [Fact]
    public async Task ConcurrentDemotionsBansAndSuspensions_NeverLeaveZeroUsableSuperadmins()
    {
        var survivor = await _server.CreateSuperadminClientAsync();
        Func<D3ChatClient, Guid, Task>[] attacks =
        [
            (c, id) => c.PromoteAsync(id, "user"),
            (c, id) => c.BanAsync(id, "race"),
            (c, id) => c.SuspendAsync(id, 1, "race"),
        ];
        for (var round = 0; round < 9; round++)
        {
            var survivorId = (await survivor.GetMeAsync()).Id;
            var (other, otherId) = await AdminTestUsers.UserAsync(_server);
            await survivor.PromoteAsync(otherId, "superadmin");
            Assert.Equal(1 + 1, await UsableSuperadminsAsync());
            var attack = attacks[round % attacks.Length];

            var statuses = await Task.WhenAll(StatusOf(() => attack(survivor, otherId)), StatusOf(() => attack(other, survivorId)));

            Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
            Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Forbidden));
            Assert.Equal(1, await UsableSuperadminsAsync());
            survivor = statuses[0] == HttpStatusCode.OK ? survivor : other;
        }
    }
}
