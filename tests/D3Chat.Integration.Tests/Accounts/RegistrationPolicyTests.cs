using System.Net;
using D3Chat.Client;
using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.Accounts;

/// <summary>A server of its own: these tests change server-wide settings.</summary>
public sealed class PolicyServerFixture : IAsyncLifetime
{
    public D3ChatServer Server { get; private set; } = null!;

    // Redis database 0 is never picked by the shared servers (1-15), so this server's
    // public_config key cannot be overwritten by another server's cache fill.
    public async Task InitializeAsync() => Server = await D3ChatServer.StartAsync(new Dictionary<string, string>
    {
        ["Redis__ConnectionString"] = $"{TestEnvironment.Redis},defaultDatabase=0",
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class PolicyServerCollection : ICollectionFixture<PolicyServerFixture>
{
    public const string Name = "policy-server";
}

[Collection(PolicyServerCollection.Name)]
public sealed class RegistrationPolicyTests(PolicyServerFixture fixture) : IAsyncLifetime
{
    private readonly D3ChatServer _server = fixture.Server;
    private D3ChatClient _root = null!;

    public async Task InitializeAsync() => _root = await _server.CreateSuperadminClientAsync();

    // Every test leaves the server open, with no allow-list, whatever it asserted.
    public async Task DisposeAsync()
    {
        await _root.PutSettingAsync("registration_mode", "open");
        await _root.PutSettingAsync("registration_domain_allowlist", Array.Empty<string>());
    }

    [Fact]
    public async Task Register_Closed_Is403()
    {
        await _root.PutSettingAsync("registration_mode", "closed");

        var error = await Assert.ThrowsAsync<ApiException>(() => _server.CreateClient().RegisterAsync(Names.Username(), Names.Password));

        Assert.Equal((HttpStatusCode.Forbidden, "Registration is currently closed"), (error.Status, error.Detail));
    }

    [Fact]
    public async Task Register_InviteOnly_NeedsAValidCode()
    {
        await _root.PutSettingAsync("registration_mode", "invite_only");
        var invite = await _root.CreateInviteAsync(maxUses: 1);

        var none = await Assert.ThrowsAsync<ApiException>(() => _server.CreateClient().RegisterAsync(Names.Username(), Names.Password));
        var wrong = await Assert.ThrowsAsync<ApiException>(() => _server.CreateClient().RegisterAsync(Names.Username(), Names.Password, inviteCode: "nope"));
        await _server.CreateClient().RegisterAsync(Names.Username(), Names.Password, inviteCode: invite.Code);
        var usedUp = await Assert.ThrowsAsync<ApiException>(() => _server.CreateClient().RegisterAsync(Names.Username(), Names.Password, inviteCode: invite.Code));

        foreach (var error in new[] { none, wrong, usedUp })
        {
            Assert.Equal((HttpStatusCode.Forbidden, "Registration is invite-only"), (error.Status, error.Detail));
        }
        Assert.Equal(1, (await _root.ListInvitesAsync()).Single(i => i.Code == invite.Code).Uses);
    }

    [Fact]
    public async Task Register_InviteOnly_FailedRegistrationDoesNotUseTheInvite()
    {
        await _root.PutSettingAsync("registration_mode", "invite_only");
        var invite = await _root.CreateInviteAsync(maxUses: 1);
        var taken = (await _root.GetMeAsync()).Username;

        var clash = await Assert.ThrowsAsync<ApiException>(() => _server.CreateClient().RegisterAsync(taken, Names.Password, inviteCode: invite.Code));
        await _server.CreateClient().RegisterAsync(Names.Username(), Names.Password, inviteCode: invite.Code);

        Assert.Equal(HttpStatusCode.Conflict, clash.Status);
    }

    [Fact]
    public async Task Invite_ExpiredOrRevoked_IsRejected()
    {
        await _root.PutSettingAsync("registration_mode", "invite_only");
        var revoked = await _root.CreateInviteAsync();
        await _root.RevokeInviteAsync(revoked.Code);
        var past = await Assert.ThrowsAsync<ApiException>(() => _root.CreateInviteAsync(expiresAt: DateTimeOffset.UtcNow.AddMinutes(-1)));
        var missing = await Assert.ThrowsAsync<ApiException>(() => _root.RevokeInviteAsync(revoked.Code));

        var error = await Assert.ThrowsAsync<ApiException>(() => _server.CreateClient().RegisterAsync(Names.Username(), Names.Password, inviteCode: revoked.Code));

        Assert.Equal(HttpStatusCode.Forbidden, error.Status);
        Assert.Equal(HttpStatusCode.BadRequest, past.Status);
        Assert.Equal((HttpStatusCode.NotFound, "Invite not found"), (missing.Status, missing.Detail));
        Assert.DoesNotContain(await _root.ListInvitesAsync(), i => i.Code == revoked.Code);
        var audit = await _root.AdminGetAsync("audit-logs?target_type=invite");
        Assert.Contains(audit.GetProperty("logs").EnumerateArray(), l => l.GetProperty("action").GetString() == "revoke_invite" && l.GetProperty("target_id").GetString() == revoked.Code);
    }

    [Fact]
    public async Task Invite_WithExpiryAndMaxUses_IsListed()
    {
        var expires = DateTimeOffset.UtcNow.AddDays(1);

        var invite = await _root.CreateInviteAsync(maxUses: 3, expiresAt: expires);

        Assert.Equal(22, invite.Code.Length);
        Assert.Equal(3, invite.MaxUses);
        Assert.Equal(0, invite.Uses);
        Assert.Equal(expires.UtcDateTime, invite.ExpiresAt!.Value, TimeSpan.FromSeconds(1));
        Assert.Contains(await _root.ListInvitesAsync(), i => i.Code == invite.Code);
    }

    [Fact]
    public async Task Register_EmailDomainNotInAllowList_Is403()
    {
        await _root.PutSettingAsync("registration_domain_allowlist", new[] { "Example.org" });

        var error = await Assert.ThrowsAsync<ApiException>(() => _server.CreateClient().RegisterAsync(Names.Username(), Names.Password, email: "a@b@Other.COM"));
        await _server.CreateClient().RegisterAsync(Names.Username(), Names.Password, email: "x@EXAMPLE.org");

        Assert.Equal((HttpStatusCode.Forbidden, "Email domain 'other.com' is not allowed for registration"), (error.Status, error.Detail));
    }

    [Fact]
    public async Task PublicConfig_SettingChange_IsVisibleAtOnce()
    {
        var name = Names.Username("app");
        await _server.CreateClient().GetPublicConfigAsync();

        await _root.PutSettingAsync("app_name", name);
        var config = await _server.CreateClient().GetPublicConfigAsync();
        await _root.PutSettingAsync("app_name", "");
        var fallback = await _server.CreateClient().GetPublicConfigAsync();

        Assert.Equal(name, config.GetProperty("app_name").GetString());
        Assert.Equal("d3chat", fallback.GetProperty("app_name").GetString());
    }

    [Fact]
    public async Task Bootstrap_Unset_CreatesNoAdminAndServerStillStarts()
    {
        await using var server = await D3ChatServer.StartAsync(new Dictionary<string, string>
        {
            ["Bootstrap__AdminUsername"] = "",
            ["Bootstrap__AdminPassword"] = "",
        });
        var noAdmin = await Assert.ThrowsAsync<ApiException>(() => server.CreateClient().LoginAsync(D3ChatServer.AdminUsername, "anything at all"));

        Assert.Equal(HttpStatusCode.Unauthorized, noAdmin.Status);
    }
}
