using System.Net;
using System.Text.Json;
using D3Chat.Client;
using D3Chat.Integration.Tests.Infrastructure;
using Npgsql;

namespace D3Chat.Integration.Tests.Admin;

[Collection(ServerCollections.Accounts)]
public sealed class AdminGovernanceTests(ServerFixture fixture)
{
    private readonly D3ChatServer _server = fixture.Server;

    private async Task<Guid> InsertChannelAsync(string name, Guid member)
    {
        var id = Guid.NewGuid();
        await using var db = _server.CreateDataSource();
        await using var command = db.CreateCommand("""
            WITH c AS (INSERT INTO channels (id, name) VALUES ($1, $2) RETURNING id),
                 m AS (INSERT INTO channel_members (channel_id, user_id, role) SELECT id, $3, 'owner' FROM c)
            INSERT INTO messages (id, channel_id, sender_id, content) SELECT gen_random_uuid(), id, $3, 'hi' FROM c
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = member });
        await command.ExecuteNonQueryAsync();
        return id;
    }

    [Fact]
    public async Task Channels_ListGetDelete_WithCountsMembersAndAudit()
    {
        var (admin, adminId) = await AdminTestUsers.WithRoleAsync(_server, "admin");
        var (member, memberId) = await AdminTestUsers.UserAsync(_server);
        var name = Names.Username("ch");
        var channelId = await InsertChannelAsync(name, memberId);

        var page = await admin.AdminGetAsync($"channels?search={name}&type=channel");
        var detail = await admin.AdminGetAsync($"channels/{channelId}");
        await admin.AdminDeleteChannelAsync(channelId);

        var listed = Assert.Single(page.GetProperty("channels").EnumerateArray());
        Assert.Equal(1, listed.GetProperty("member_count").GetInt64());
        Assert.Equal(1, listed.GetProperty("message_count").GetInt64());
        Assert.False(listed.GetProperty("is_dm").GetBoolean());
        Assert.Equal(memberId, detail.GetProperty("members")[0].GetProperty("user_id").GetGuid());
        Assert.Equal("owner", detail.GetProperty("members")[0].GetProperty("role").GetString());
        var gone = await Assert.ThrowsAsync<ApiException>(() => admin.AdminGetAsync($"channels/{channelId}"));
        Assert.Equal((HttpStatusCode.NotFound, "Channel not found"), (gone.Status, gone.Detail));
        var again = await Assert.ThrowsAsync<ApiException>(() => admin.AdminDeleteChannelAsync(channelId));
        Assert.Equal(HttpStatusCode.NotFound, again.Status);
        var audit = await admin.AdminGetAsync($"audit-logs?action=delete_channel&admin_id={adminId}");
        var row = Assert.Single(audit.GetProperty("logs").EnumerateArray());
        Assert.Equal(name, row.GetProperty("details").GetProperty("name").GetString());
        Assert.Equal("channel", row.GetProperty("target_type").GetString());
    }

    [Fact]
    public async Task Dashboard_StatsAndAnalytics()
    {
        var (admin, _) = await AdminTestUsers.WithRoleAsync(_server, "admin");
        var (_, memberId) = await AdminTestUsers.UserAsync(_server);
        await InsertChannelAsync(Names.Username("ch"), memberId);

        var stats = await admin.AdminGetAsync("dashboard/stats");
        var analytics = await admin.AdminGetAsync("dashboard/analytics?days=7");
        using var tooMany = await admin.SendAsync(HttpMethod.Get, "/api/v1/admin/dashboard/analytics?days=91");
        using var zero = await admin.SendAsync(HttpMethod.Get, "/api/v1/admin/dashboard/analytics?days=0");

        Assert.True(stats.GetProperty("total_users").GetInt64() >= 2);
        Assert.True(stats.GetProperty("active_users_today").GetInt64() >= 1);
        Assert.True(stats.GetProperty("total_messages").GetInt64() >= 1);
        Assert.True(stats.GetProperty("total_channels").GetInt64() >= 1);
        var days = analytics.GetProperty("days").EnumerateArray().ToList();
        Assert.Equal(7, days.Count);
        Assert.Equal(DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), days[^1].GetProperty("date").GetString());
        Assert.True(days[^1].GetProperty("new_messages").GetInt64() >= 1);
        Assert.Equal(30, (await admin.AdminGetAsync("dashboard/analytics")).GetProperty("days").GetArrayLength());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooMany.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, zero.StatusCode);
    }

    [Fact]
    public async Task Settings_ListAndGet_ForAdmin()
    {
        var (admin, _) = await AdminTestUsers.WithRoleAsync(_server, "admin");

        var all = await admin.AdminGetAsync("settings");
        var one = await admin.AdminGetAsync("settings/registration_mode");
        var missing = await Assert.ThrowsAsync<ApiException>(() => admin.AdminGetAsync("settings/no_such_key"));

        Assert.Contains(all.EnumerateArray(), s => s.GetProperty("key").GetString() == "app_name");
        var categories = all.EnumerateArray().Select(s => s.GetProperty("category").GetString()).ToList();
        Assert.Equal(categories.Order(StringComparer.Ordinal), categories);
        Assert.Equal("registration", one.GetProperty("category").GetString());
        Assert.Equal(JsonValueKind.Object, one.GetProperty("value").ValueKind);
        Assert.Equal((HttpStatusCode.NotFound, "Setting not found"), (missing.Status, missing.Detail));
    }

    [Fact]
    public async Task Settings_CreateThenUpdate_AuditsBoth()
    {
        var root = await _server.CreateSuperadminClientAsync();
        var rootId = (await root.GetMeAsync()).Id;
        var key = Names.Username("key");

        var created = await root.CreateSettingAsync(key, 1, category: "custom", description: "d");
        var duplicate = await Assert.ThrowsAsync<ApiException>(() => root.CreateSettingAsync(key, 2));
        var updated = await root.PutSettingAsync(key, 5);

        Assert.Equal(1, created.GetProperty("value").GetProperty("value").GetInt32());
        Assert.Equal("custom", created.GetProperty("category").GetString());
        Assert.Equal((HttpStatusCode.Conflict, "Setting already exists"), (duplicate.Status, duplicate.Detail));
        Assert.Equal(5, updated.GetProperty("value").GetProperty("value").GetInt32());
        Assert.Equal("d", updated.GetProperty("description").GetString());
        var update = await root.AdminGetAsync($"audit-logs?action=update_setting&admin_id={rootId}&target_type=setting");
        var row = update.GetProperty("logs").EnumerateArray().Single(l => l.GetProperty("target_id").GetString() == key);
        Assert.Equal(1, row.GetProperty("details").GetProperty("old_value").GetProperty("value").GetInt32());
        Assert.Equal(5, row.GetProperty("details").GetProperty("new_value").GetProperty("value").GetInt32());
        var create = await root.AdminGetAsync($"audit-logs?action=create_setting&admin_id={rootId}");
        Assert.Contains(create.GetProperty("logs").EnumerateArray(), l => l.GetProperty("target_id").GetString() == key);
    }

    [Fact]
    public async Task Settings_PutUnknownKey_Is404_NonObjectValue_Is422()
    {
        var root = await _server.CreateSuperadminClientAsync();

        var unknown = await Assert.ThrowsAsync<ApiException>(() => root.PutSettingAsync(Names.Username("nokey"), 1));
        using var scalar = await root.SendAsync(HttpMethod.Put, "/api/v1/admin/settings/app_name", new { value = 5 });
        using var missing = await root.SendAsync(HttpMethod.Put, "/api/v1/admin/settings/app_name", new { description = "x" });

        Assert.Equal((HttpStatusCode.NotFound, "Setting not found"), (unknown.Status, unknown.Detail));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, scalar.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.StatusCode);
    }

    [Fact]
    public async Task PublicConfig_NoAuth_HasTheFiveBrandingFields()
    {
        var config = await _server.CreateClient().GetPublicConfigAsync();

        foreach (var field in new[] { "app_name", "app_description", "registration_mode", "brand_primary_color", "brand_accent_color" })
        {
            Assert.Equal(JsonValueKind.String, config.GetProperty(field).ValueKind);
        }
    }
}
