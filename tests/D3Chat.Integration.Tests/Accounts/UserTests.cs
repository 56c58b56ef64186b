using System.Net;
using D3Chat.Client;
using D3Chat.Integration.Tests.Infrastructure;
using D3Chat.Integration.Tests.Messaging;

namespace D3Chat.Integration.Tests.Accounts;

[Collection(ServerCollections.Accounts)]
public sealed class UserTests(ServerFixture fixture)
{
    private readonly D3ChatServer _server = fixture.Server;

    private async Task<(D3ChatClient Client, TokenResponse Tokens, string Username)> NewUserAsync()
    {
        var client = _server.CreateClient();
        var username = Names.Username();
        var tokens = await client.RegisterAsync(username, Names.Password, email: $"{username}@example.com", displayName: "Dee");
        return (client, tokens, username);
    }

    [Fact]
    public async Task GetMe_AfterRegister_ReturnsTheSelfView()
    {
        var (client, tokens, username) = await NewUserAsync();

        var me = await client.GetMeAsync();

        Assert.Equal(tokens.UserId, me.Id);
        Assert.Equal(username, me.Username);
        Assert.Equal($"{username}@example.com", me.Email);
        Assert.Equal("user", me.Role);
        Assert.True(me.IsLocal);
        Assert.False(me.EmailVisible);
        Assert.Null(me.AvatarUrl);
        Assert.Equal(System.Text.Json.JsonValueKind.Object, me.Preferences!.Value.ValueKind);
    }

    [Fact]
    public async Task UpdateMe_OnlyPresentKeysChange_NullClearsDisplayName()
    {
        var (client, _, username) = await NewUserAsync();
        await client.UpdateMeAsync(new { bio = "hello", status_message = "busy", email_visible = true, preferences = new { notification_sound = false } });

        var me = await client.UpdateMeAsync(new { display_name = (string?)null });

        Assert.Null(me.DisplayName);
        Assert.Equal("hello", me.Bio);
        Assert.Equal("busy", me.StatusMessage);
        Assert.True(me.EmailVisible);
        Assert.False(me.Preferences!.Value.GetProperty("notification_sound").GetBoolean());
        Assert.Equal(username, me.Username);
    }

    [Fact]
    public async Task UpdateMe_RenameToTakenUsername_Is409()
    {
        var (other, _, otherName) = await NewUserAsync();
        var (client, _, _) = await NewUserAsync();

        var error = await Assert.ThrowsAsync<ApiException>(() => client.UpdateMeAsync(new { username = otherName }));

        Assert.Equal(HttpStatusCode.Conflict, error.Status);
        Assert.Equal("Username already taken", error.Detail);
        Assert.Equal(otherName, (await other.GetMeAsync()).Username);
    }

    [Fact]
    public async Task UpdateMe_Rename_NewNameLogsIn()
    {
        var (client, _, _) = await NewUserAsync();
        var renamed = Names.Username();

        var me = await client.UpdateMeAsync(new { username = renamed });

        Assert.Equal(renamed, me.Username);
        await _server.CreateClient().LoginAsync(renamed, Names.Password);
    }

    [Theory]
    [InlineData("{\"username\":\"a b\"}")]
    [InlineData("{\"bio\":\"" + "x" + "\"}")]
    [InlineData("{\"preferences\":[1]}")]
    public async Task UpdateMe_InvalidField_Is422(string json)
    {
        var (client, _, _) = await NewUserAsync();
        json = json.Replace("\"x\"", "\"" + new string('x', 257) + "\"", StringComparison.Ordinal);
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");

        using var response = await client.SendAsync(HttpMethod.Patch, "/api/v1/users/me", content);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Fact]
    public async Task ChangePassword_RightOldPassword_NewPasswordLogsIn()
    {
        var (client, _, username) = await NewUserAsync();

        await client.ChangePasswordAsync(Names.Password, "a brand new password");

        await _server.CreateClient().LoginAsync(username, "a brand new password");
        var old = await Assert.ThrowsAsync<ApiException>(() => _server.CreateClient().LoginAsync(username, Names.Password));
        Assert.Equal(HttpStatusCode.Unauthorized, old.Status);
    }

    [Fact]
    public async Task ChangePassword_WrongOldPassword_Is400()
    {
        var (client, _, _) = await NewUserAsync();

        var error = await Assert.ThrowsAsync<ApiException>(() => client.ChangePasswordAsync("not my password", "a brand new password"));

        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Equal("Current password is incorrect", error.Detail);
    }

    [Fact]
    public async Task ChangePassword_ShortNewPassword_Is422()
    {
        var (client, _, _) = await NewUserAsync();

        var error = await Assert.ThrowsAsync<ApiException>(() => client.ChangePasswordAsync(Names.Password, "short"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Status);
    }

    [Fact]
    public async Task Search_Substring_FindsCaseInsensitivelyAndHidesPrivateEmail()
    {
        var marker = Guid.NewGuid().ToString("N")[..10];
        var client = _server.CreateClient();
        await client.RegisterAsync($"Srch{marker}", Names.Password, email: "hidden@example.com");

        var found = await client.SearchUsersAsync(marker.ToUpperInvariant());

        var profile = Assert.Single(found);
        Assert.Equal($"Srch{marker}", profile.Username);
        Assert.Null(profile.Email);
        Assert.Null(profile.Preferences);
        Assert.Empty(await client.SearchUsersAsync("%no_such_user%" + marker));
    }

    [Fact]
    public async Task Search_MissingOrEmptyQ_Is422()
    {
        var (client, _, _) = await NewUserAsync();

        using var missing = await client.SendAsync(HttpMethod.Get, "/api/v1/users/search");
        using var empty = await client.SendAsync(HttpMethod.Get, "/api/v1/users/search?q=");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
    }

    [Fact]
    public async Task Lookup_LocalIdentity_ReturnsProfile()
    {
        var (client, tokens, username) = await NewUserAsync();
        var me = await client.GetMeAsync();

        var found = await client.LookupUserAsync($"{username}@{me.ServerDomain}");

        Assert.Equal(tokens.UserId, found.Id);
    }

    [Fact]
    public async Task Lookup_Errors_Are400And404And422()
    {
        var (client, _, _) = await NewUserAsync();

        var format = await Assert.ThrowsAsync<ApiException>(() => client.LookupUserAsync("no-at-sign"));
        var unknown = await Assert.ThrowsAsync<ApiException>(() => client.LookupUserAsync($"{Names.Username()}@remote.invalid"));
        using var missing = await client.SendAsync(HttpMethod.Get, "/api/v1/users/lookup");

        Assert.Equal(HttpStatusCode.BadRequest, format.Status);
        Assert.Equal("Invalid identity format, use user@server", format.Detail);
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal("User not found", unknown.Detail);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.StatusCode);
    }

    [Fact]
    public async Task GetUser_ShowsEmailOnlyWhenVisible()
    {
        var (owner, tokens, _) = await NewUserAsync();
        var (viewer, _, _) = await NewUserAsync();

        var hidden = await viewer.GetUserAsync(tokens.UserId);
        await owner.UpdateMeAsync(new { email_visible = true });
        var visible = await viewer.GetUserAsync(tokens.UserId);

        Assert.Null(hidden.Email);
        Assert.NotNull(visible.Email);
    }

    [Fact]
    public async Task GetUser_UnknownIs404_BadUuidIs422()
    {
        var (client, _, _) = await NewUserAsync();

        var unknown = await Assert.ThrowsAsync<ApiException>(() => client.GetUserAsync(Guid.NewGuid()));
        using var bad = await client.SendAsync(HttpMethod.Get, "/api/v1/users/not-a-uuid");

        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal("User not found", unknown.Detail);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
    }

    [Fact]
    public async Task GetMe_WithoutToken_Is401()
    {
        var error = await Assert.ThrowsAsync<ApiException>(() => _server.CreateClient().GetMeAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, error.Status);
    }

    [Fact]
    public async Task Devices_CreateListDelete_RoundTrip()
    {
        var (client, tokens, _) = await NewUserAsync();

        var created = await client.CreateDeviceAsync("phone", "pubkey");
        var listed = await client.ListDevicesAsync();
        await client.DeleteDeviceAsync(created.Id);
        var after = await client.ListDevicesAsync();

        Assert.Equal("phone", created.DeviceName);
        Assert.Null(created.LastSeenAt);
        Assert.Equal(tokens.DeviceId, listed[0].Id);
        Assert.Contains(listed, d => d.Id == created.Id && d.DeviceKeyPublic == "pubkey");
        Assert.DoesNotContain(after, d => d.Id == created.Id);
    }

    [Fact]
    public async Task DeleteDevice_SomeoneElses_Is404AndKeepsIt()
    {
        var (owner, ownerTokens, _) = await NewUserAsync();
        var (other, _, _) = await NewUserAsync();

        var error = await Assert.ThrowsAsync<ApiException>(() => other.DeleteDeviceAsync(ownerTokens.DeviceId));

        Assert.Equal(HttpStatusCode.NotFound, error.Status);
        Assert.Equal("Device not found", error.Detail);
        Assert.Contains(await owner.ListDevicesAsync(), d => d.Id == ownerTokens.DeviceId);
    }

    [Fact]
    public async Task CreateDevice_MissingName_Is422()
    {
        var (client, _, _) = await NewUserAsync();

        using var response = await client.SendAsync(HttpMethod.Post, "/api/v1/devices", new { device_key_public = "k" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Fact]
    public async Task Avatar_UploadServeReplaceDelete()
    {
        var (client, tokens, _) = await NewUserAsync();
        var png = D3Chat.Core.Tests.Images.CraftedImages.PngHeader(32, 32);
        var gif = D3Chat.Core.Tests.Images.CraftedImages.AnimatedGif(16, 16, 1);

        var uploaded = await client.UploadAvatarAsync(png, "image/png");
        using var first = await _server.CreateClient().SendAsync(HttpMethod.Get, uploaded.AvatarUrl!);
        await client.UploadAvatarAsync(gif, "image/gif");
        using var second = await _server.CreateClient().SendAsync(HttpMethod.Get, uploaded.AvatarUrl!);
        var deleted = await client.DeleteAvatarAsync();
        using var gone = await _server.CreateClient().SendAsync(HttpMethod.Get, $"/api/v1/avatars/{tokens.UserId}");

        Assert.Equal($"/api/v1/avatars/{tokens.UserId}", uploaded.AvatarUrl);
        Assert.Equal(png, await first.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/png", first.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", first.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(D3Chat.Core.Http.UntrustedFileResult.ContentSecurityPolicy, first.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal(gif, await second.Content.ReadAsByteArrayAsync());
        Assert.Null(deleted.AvatarUrl);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("Avatar not found", D3ChatClient.ReadDetail(await gone.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task UploadAvatar_WrongTypeOrTooLarge_Is400()
    {
        var (client, _, _) = await NewUserAsync();

        var type = await Assert.ThrowsAsync<ApiException>(() => client.UploadAvatarAsync([1, 2, 3], "text/plain"));
        var size = await Assert.ThrowsAsync<ApiException>(() => client.UploadAvatarAsync(new byte[(2 * 1024 * 1024) + 1], "image/png"));

        Assert.Equal(HttpStatusCode.BadRequest, type.Status);
        Assert.Equal("File type not allowed. Use JPEG, PNG, WebP, or GIF.", type.Detail);
        Assert.Equal(HttpStatusCode.BadRequest, size.Status);
        Assert.Equal("File too large. Maximum 2MB.", size.Detail);
        Assert.Null((await client.GetMeAsync()).AvatarUrl);
    }

    [Fact]
    public async Task UploadAvatar_BytesNotAnImageOfTheDeclaredType_Is400AndNothingStored()
    {
        var (client, _, _) = await NewUserAsync();
        var html = "<html><script>alert(1)</script></html>"u8.ToArray();

        await Expect.FailsAsync(() => client.UploadAvatarAsync(html, "image/png"), HttpStatusCode.BadRequest, D3Chat.Core.Http.Problem.NotAnImage.Detail);
        await Expect.FailsAsync(() => client.UploadAvatarAsync(D3Chat.Core.Tests.Images.CraftedImages.PngHeader(8, 8), "image/gif"),
            HttpStatusCode.BadRequest, D3Chat.Core.Http.Problem.NotAnImage.Detail);

        Assert.Null((await client.GetMeAsync()).AvatarUrl);
    }

    [Fact]
    public async Task UploadAvatar_NoFilePart_Is422()
    {
        var (client, _, _) = await NewUserAsync();
        using var form = new MultipartFormDataContent { { new StringContent("x"), "other" } };

        using var response = await client.SendAsync(HttpMethod.Post, "/api/v1/users/me/avatar", form);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Fact]
    public async Task GetAvatar_BadUuid_Is422()
    {
        using var response = await _server.CreateClient().SendAsync(HttpMethod.Get, "/api/v1/avatars/nope");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }
}
