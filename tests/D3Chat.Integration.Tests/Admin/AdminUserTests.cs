using System.Net;
using System.Text.Json;
using D3Chat.Client;
using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.Admin;

[Collection(ServerCollections.Accounts)]
public sealed class AdminUserTests(ServerFixture fixture)
{
    private readonly D3ChatServer _server = fixture.Server;

    private async Task<JsonElement> AuditRowAsync(D3ChatClient admin, string action, Guid adminId, string targetId)
    {
        var page = await admin.AdminGetAsync($"audit-logs?action={action}&admin_id={adminId}&page_size=100");
        return page.GetProperty("logs").EnumerateArray().Single(l => l.GetProperty("target_id").GetString() == targetId);
    }

    [Theory]
    [InlineData("GET", "dashboard/stats")]
    [InlineData("GET", "dashboard/analytics")]
    [InlineData("GET", "users")]
    [InlineData("GET", "channels")]
    [InlineData("GET", "audit-logs")]
    [InlineData("GET", "settings")]
    [InlineData("GET", "invites")]
    public async Task AdminRoutes_PlainUser_Is403AdminAccessRequired(string method, string path)
    {
        var (user, _) = await AdminTestUsers.UserAsync(_server);

        using var response = await user.SendAsync(new HttpMethod(method), "/api/v1/admin/" + path);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("Admin access required", D3ChatClient.ReadDetail(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task SuperadminRoutes_Admin_Is403SuperadminAccessRequired()
    {
        var (admin, _) = await AdminTestUsers.WithRoleAsync(_server, "admin");
        var (_, target) = await AdminTestUsers.UserAsync(_server);

        var promote = await Assert.ThrowsAsync<ApiException>(() => admin.PromoteAsync(target, "admin"));
        var delete = await Assert.ThrowsAsync<ApiException>(() => admin.AdminDeleteUserAsync(target));
        var put = await Assert.ThrowsAsync<ApiException>(() => admin.PutSettingAsync("app_name", "x"));
        var post = await Assert.ThrowsAsync<ApiException>(() => admin.CreateSettingAsync(Names.Username("k"), 1));

        foreach (var error in new[] { promote, delete, put, post })
        {
            Assert.Equal(HttpStatusCode.Forbidden, error.Status);
            Assert.Equal("Superadmin access required", error.Detail);
        }
    }

    [Fact]
    public async Task Ban_ByAdmin_WritesAuditRowWithReasonAndIp()
    {
        var (admin, adminId) = await AdminTestUsers.WithRoleAsync(_server, "admin");
        var (_, target) = await AdminTestUsers.UserAsync(_server);

        await admin.BanAsync(target, "spam");

        var row = await AuditRowAsync(admin, "ban_user", adminId, target.ToString());
        Assert.Equal("user", row.GetProperty("target_type").GetString());
        Assert.Equal("spam", row.GetProperty("details").GetProperty("reason").GetString());
        Assert.Equal("127.0.0.1", row.GetProperty("ip_address").GetString());
        Assert.False(string.IsNullOrEmpty(row.GetProperty("admin_username").GetString()));
    }

    [Fact]
    public async Task SelfActions_Are400()
    {
        var root = await _server.CreateSuperadminClientAsync();
        var me = (await root.GetMeAsync()).Id;

        var ban = await Assert.ThrowsAsync<ApiException>(() => root.BanAsync(me));
        var suspend = await Assert.ThrowsAsync<ApiException>(() => root.SuspendAsync(me, 1));
        var promote = await Assert.ThrowsAsync<ApiException>(() => root.PromoteAsync(me, "user"));
        var delete = await Assert.ThrowsAsync<ApiException>(() => root.AdminDeleteUserAsync(me));

        Assert.Equal(("Cannot ban yourself", HttpStatusCode.BadRequest), (ban.Detail, ban.Status));
        Assert.Equal(("Cannot suspend yourself", HttpStatusCode.BadRequest), (suspend.Detail, suspend.Status));
        Assert.Equal(("Cannot change your own role", HttpStatusCode.BadRequest), (promote.Detail, promote.Status));
        Assert.Equal(("Cannot delete yourself", HttpStatusCode.BadRequest), (delete.Detail, delete.Status));
    }

    [Fact]
    public async Task AdminActingOnAdmin_NotSuperadmin_Is403()
    {
        var (admin, _) = await AdminTestUsers.WithRoleAsync(_server, "admin");
        var (_, otherAdmin) = await AdminTestUsers.WithRoleAsync(_server, "admin");

        var ban = await Assert.ThrowsAsync<ApiException>(() => admin.BanAsync(otherAdmin));
        var suspend = await Assert.ThrowsAsync<ApiException>(() => admin.SuspendAsync(otherAdmin, 1));

        Assert.Equal(("Only superadmins can ban admins", HttpStatusCode.Forbidden), (ban.Detail, ban.Status));
        Assert.Equal(("Only superadmins can suspend admins", HttpStatusCode.Forbidden), (suspend.Detail, suspend.Status));
    }

    [Fact]
    public async Task Moderation_UnknownUser_Is404_BadUuid_Is422()
    {
        var root = await _server.CreateSuperadminClientAsync();
        var unknown = Guid.NewGuid();

        var errors = new[]
        {
            await Assert.ThrowsAsync<ApiException>(() => root.AdminGetUserAsync(unknown)),
            await Assert.ThrowsAsync<ApiException>(() => root.BanAsync(unknown)),
            await Assert.ThrowsAsync<ApiException>(() => root.UnbanAsync(unknown)),
            await Assert.ThrowsAsync<ApiException>(() => root.SuspendAsync(unknown, 1)),
            await Assert.ThrowsAsync<ApiException>(() => root.UnsuspendAsync(unknown)),
            await Assert.ThrowsAsync<ApiException>(() => root.PromoteAsync(unknown, "admin")),
            await Assert.ThrowsAsync<ApiException>(() => root.AdminDeleteUserAsync(unknown)),
        };
        using var bad = await root.SendAsync(HttpMethod.Post, "/api/v1/admin/users/xyz/ban", new { });

        Assert.All(errors, e => Assert.Equal((HttpStatusCode.NotFound, "User not found"), (e.Status, e.Detail)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
    }

    [Theory]
    [InlineData("suspend", "{\"hours\":0}")]
    [InlineData("suspend", "{\"hours\":8761}")]
    [InlineData("suspend", "{}")]
    [InlineData("promote", "{\"role\":\"owner\"}")]
    public async Task Moderation_InvalidBody_Is422(string action, string json)
    {
        var root = await _server.CreateSuperadminClientAsync();
        var (_, target) = await AdminTestUsers.UserAsync(_server);
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");

        using var response = await root.SendAsync(HttpMethod.Post, $"/api/v1/admin/users/{target}/{action}", content);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Fact]
    public async Task Promote_ChangesRoleAtOnceAndAudits()
    {
        var root = await _server.CreateSuperadminClientAsync();
        var rootId = (await root.GetMeAsync()).Id;
        var (user, id) = await AdminTestUsers.UserAsync(_server);
        using var before = await user.SendAsync(HttpMethod.Get, "/api/v1/admin/users");

        var promoted = await root.PromoteAsync(id, "admin");
        await user.AdminGetAsync("users");

        Assert.Equal(HttpStatusCode.Forbidden, before.StatusCode);
        Assert.Equal("admin", promoted.Role);
        var details = (await AuditRowAsync(root, "promote_user", rootId, id.ToString())).GetProperty("details");
        Assert.Equal("user", details.GetProperty("old_role").GetString());
        Assert.Equal("admin", details.GetProperty("new_role").GetString());
    }

    [Fact]
    public async Task ListUsers_FiltersBySearchAndStatus()
    {
        var root = await _server.CreateSuperadminClientAsync();
        var (bannedClient, banned) = await AdminTestUsers.UserAsync(_server);
        var name = (await bannedClient.GetMeAsync()).Username;
        await root.BanAsync(banned);

        var hit = await root.AdminGetAsync($"users?search={name}&status=banned");
        var miss = await root.AdminGetAsync($"users?search={name}&status=active");
        using var badSize = await root.SendAsync(HttpMethod.Get, "/api/v1/admin/users?page_size=101");

        Assert.Equal(1, hit.GetProperty("total").GetInt64());
        Assert.True(hit.GetProperty("users")[0].GetProperty("is_banned").GetBoolean());
        Assert.Equal(50, hit.GetProperty("page_size").GetInt32());
        Assert.Equal(0, miss.GetProperty("total").GetInt64());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badSize.StatusCode);
    }

    [Fact]
    public async Task GetUser_ReturnsCounts()
    {
        var root = await _server.CreateSuperadminClientAsync();
        var (client, id) = await AdminTestUsers.UserAsync(_server);
        await client.CreateDeviceAsync("second");

        var detail = await root.AdminGetUserAsync(id);

        Assert.Equal(2, detail.DeviceCount);
        Assert.Equal(1, detail.SessionCount);
        Assert.Equal(0, detail.MessageCount);
    }

    [Fact]
    public async Task DeleteUser_PlainUser_Is204AndAudited()
    {
        var root = await _server.CreateSuperadminClientAsync();
        var rootId = (await root.GetMeAsync()).Id;
        var (client, id) = await AdminTestUsers.UserAsync(_server);
        var name = (await client.GetMeAsync()).Username;

        await root.AdminDeleteUserAsync(id);

        var missing = await Assert.ThrowsAsync<ApiException>(() => root.AdminGetUserAsync(id));
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        var row = await AuditRowAsync(root, "delete_user", rootId, id.ToString());
        Assert.Equal(name, row.GetProperty("details").GetProperty("username").GetString());
    }

    [Fact]
    public async Task DeleteUser_Superadmin_Is403()
    {
        var root = await _server.CreateSuperadminClientAsync();
        var (_, other) = await AdminTestUsers.WithRoleAsync(_server, "superadmin");

        var error = await Assert.ThrowsAsync<ApiException>(() => root.AdminDeleteUserAsync(other));

        Assert.Equal((HttpStatusCode.Forbidden, "Cannot delete a superadmin"), (error.Status, error.Detail));
    }

    [Fact]
    public async Task AuditLogs_BadAdminId_Is422()
    {
        var root = await _server.CreateSuperadminClientAsync();

        using var response = await root.SendAsync(HttpMethod.Get, "/api/v1/admin/audit-logs?admin_id=nope");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }
}
