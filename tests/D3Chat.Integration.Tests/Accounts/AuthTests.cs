using System.Net;
using D3Chat.Client;
using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.Accounts;

[Collection(ServerCollections.Accounts)]
public sealed class AuthTests(ServerFixture fixture)
{
    private readonly D3ChatServer _server = fixture.Server;

    [Fact]
    public async Task Register_NewUsername_Returns201WithTokensThatAuthenticate()
    {
        var client = _server.CreateClient();
        var username = Names.Username();

        using var response = await client.SendAsync(HttpMethod.Post, "/api/v1/auth/register", new { username, password = Names.Password });
        var tokens = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<TokenResponse>(response.Content, D3ChatClient.Json);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("bearer", tokens!.TokenType);
        Assert.Equal(86, tokens.RefreshToken.Length);
        client.AccessToken = tokens.AccessToken;
        await client.LogoutAllAsync();
    }

    [Fact]
    public async Task Register_TakenUsername_Is409()
    {
        var username = Names.Username();
        await _server.CreateClient().RegisterAsync(username, Names.Password);

        var error = await Assert.ThrowsAsync<ApiException>(() => _server.CreateClient().RegisterAsync(username, Names.Password));

        Assert.Equal(HttpStatusCode.Conflict, error.Status);
        Assert.Equal("Username already taken", error.Detail);
    }

    [Theory]
    [InlineData("ab", "long enough password")]
    [InlineData("has space", "long enough password")]
    [InlineData("valid_name", "short")]
    public async Task Register_InvalidFields_Is422AndCreatesNothing(string username, string password)
    {
        var error = await Assert.ThrowsAsync<ApiException>(() => _server.CreateClient().RegisterAsync(username, password));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Status);
        var login = await Assert.ThrowsAsync<ApiException>(() => _server.CreateClient().LoginAsync(username, password));
        Assert.Equal(HttpStatusCode.Unauthorized, login.Status);
    }

    [Fact]
    public async Task Register_MalformedJson_Is422()
    {
        using var content = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json");
        using var response = await _server.CreateClient().SendAsync(HttpMethod.Post, "/api/v1/auth/register", content);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    [Fact]
    public async Task Login_WrongPassword_Is401InvalidCredentials()
    {
        var username = Names.Username();
        await _server.CreateClient().RegisterAsync(username, Names.Password);

        var error = await Assert.ThrowsAsync<ApiException>(() => _server.CreateClient().LoginAsync(username, "wrong password!"));

        Assert.Equal(HttpStatusCode.Unauthorized, error.Status);
        Assert.Equal("Invalid credentials", error.Detail);
    }

    [Fact]
    public async Task Login_RightPassword_CreatesANewDevice()
    {
        var username = Names.Username();
        var registered = await _server.CreateClient().RegisterAsync(username, Names.Password);

        var login = await _server.CreateClient().LoginAsync(username, Names.Password, "laptop");

        Assert.Equal(registered.UserId, login.UserId);
        Assert.NotEqual(registered.DeviceId, login.DeviceId);
    }

    [Fact]
    public async Task Refresh_RotatesTheTokenAndTheOldOneStopsWorking()
    {
        var registered = (await TestUser.NewAsync(_server)).Tokens;

        var refreshed = await _server.CreateClient().RefreshAsync(registered.RefreshToken);

        Assert.NotEqual(registered.RefreshToken, refreshed.RefreshToken);
        Assert.Equal(registered.DeviceId, refreshed.DeviceId);
        await RefreshGrace.PassAsync(_server, registered.UserId);
        var error = await Assert.ThrowsAsync<ApiException>(() => _server.CreateClient().RefreshAsync(registered.RefreshToken));
        Assert.Equal(HttpStatusCode.Unauthorized, error.Status);
        Assert.Equal("Invalid refresh token", error.Detail);
    }

    [Fact]
    public async Task Logout_DeletesTheSession()
    {
        var registered = (await TestUser.NewAsync(_server)).Tokens;

        await _server.CreateClient().LogoutAsync(registered.RefreshToken);

        var error = await Assert.ThrowsAsync<ApiException>(() => _server.CreateClient().RefreshAsync(registered.RefreshToken));
        Assert.Equal(HttpStatusCode.Unauthorized, error.Status);
    }

    [Theory]
    [InlineData(null, "Not authenticated")]
    [InlineData("Bearer not-a-jwt", "Invalid token")]
    public async Task LogoutAll_WithoutValidBearer_Is401(string? header, string detail)
    {
        var client = _server.CreateClient();
        if (header is not null)
        {
            client.Http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", header);
        }

        var error = await Assert.ThrowsAsync<ApiException>(() => client.LogoutAllAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, error.Status);
        Assert.Equal(detail, error.Detail);
    }

    [Fact]
    public async Task LogoutAll_RevokesEverySessionOfTheCaller()
    {
        var client = _server.CreateClient();
        var username = Names.Username();
        var first = await client.RegisterAsync(username, Names.Password);
        var second = await _server.CreateClient().LoginAsync(username, Names.Password);

        await client.LogoutAllAsync();

        foreach (var token in new[] { first.RefreshToken, second.RefreshToken })
        {
            var error = await Assert.ThrowsAsync<ApiException>(() => _server.CreateClient().RefreshAsync(token));
            Assert.Equal(HttpStatusCode.Unauthorized, error.Status);
        }
    }
}
