using System.Net;
using D3Chat.Integration.Tests.Infrastructure;
using D3Chat.Integration.Tests.Messaging;
using Dapper;

namespace D3Chat.Integration.Tests.Federation;

/// <summary>Issue 12 items 7 and 8: local accounts are local whatever the domain is called.</summary>
[Collection(ServerCollections.Federation)]
public sealed class DomainSpellingTests(ServerFixture fixture)
{
    private readonly D3ChatServer _server = fixture.Server;

    [Fact]
    public async Task Lookup_OwnDomainInAnySpelling_IsTheLocalUser_NoRemoteStub()
    {
        var user = await TestUser.NewAsync(_server);
        var me = await user.Client.GetMeAsync();
        var domain = _server.Settings["Server__Domain"];

        var upper = await user.Client.LookupUserAsync($"{me.Username}@{domain.ToUpperInvariant()}");
        var withPort = await user.Client.LookupUserAsync($"{me.Username}@{domain}.:443");

        Assert.Equal((me.Id, true), (upper.Id, upper.IsLocal));
        Assert.Equal(me.Id, withPort.Id);
        await using var dataSource = _server.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM users WHERE username = @Name", new { Name = me.Username }));
    }
}

public sealed class DomainChangeTests
{
    [Fact]
    public async Task Restart_UnderANewDomain_AccountsAndTheBootstrapAdminSignInAsBefore()
    {
        await using var before = await D3ChatServer.StartAsync();
        var username = Names.Username();
        await before.CreateClient().RegisterAsync(username, Names.Password);
        await before.StopAsync();
        var newDomain = $"Moved-{Guid.NewGuid():N}"[..20] + ".Example:443";

        await using var after = await D3ChatServer.StartAsync(new Dictionary<string, string> { ["Server__Domain"] = newDomain },
            existingDatabase: before.DatabaseName);

        var client = after.CreateClient();
        await client.LoginAsync(username, Names.Password);
        var me = await client.GetMeAsync();
        Assert.Equal((username, newDomain[..^4].ToLowerInvariant(), true), (me.Username, me.ServerDomain, me.IsLocal));
        var root = after.CreateClient();
        await root.LoginAsync(before.Settings["Bootstrap__AdminUsername"], before.Settings["Bootstrap__AdminPassword"]);
        Assert.Equal("superadmin", (await root.GetMeAsync()).Role);
        await Expect.FailsAsync(() => after.CreateClient().RegisterAsync(username, Names.Password), HttpStatusCode.Conflict, "Username already taken");
    }
}
