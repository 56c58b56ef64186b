using System.Net;
using System.Net.Http.Headers;
using System.Text;
using D3Chat.Client;
using D3Chat.Core.Messages;
using D3Chat.Integration.Tests.Infrastructure;
using Dapper;

namespace D3Chat.Integration.Tests.Hardening;

/// <summary>Issue 12 items 1 and 2: malformed input is a 4xx with a JSON detail from the pipeline, and nothing is stored.</summary>
[Collection(ServerCollections.Accounts)]
public sealed class MalformedInputTests(ServerFixture fixture)
{
    private readonly D3ChatServer _server = fixture.Server;

    private const string RowCountsSql = """
        SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM channels) + (SELECT count(*) FROM channel_members)
             + (SELECT count(*) FROM messages) + (SELECT count(*) FROM devices)
        """;

    private async Task<long> RowCountAsync()
    {
        await using var data = _server.CreateDataSource();
        await using var connection = await data.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>(RowCountsSql);
    }

    private static StringContent RawJson(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{response.StatusCode}: {body}");
        Assert.Contains("\"detail\"", body);
    }

    public static TheoryData<string, string, string> UnstorableTexts => new()
    {
        { "PATCH", "/api/v1/users/me", """{"display_name": "a\u0000b"}""" },
        { "PATCH", "/api/v1/users/me", """{"display_name": "a\ud800b"}""" },
        { "POST", "/api/v1/channels", """{"name": "x\u0000"}""" },
        { "POST", "/api/v1/channels", """{"name": "x\udfff", "is_public": true}""" },
        { "PATCH", "/api/v1/users/me", """{"display_name": 12}""" },
        { "POST", "/api/v1/channels", """{"name": ["a"], "is_public": "yes"}""" },
        { "POST", "/api/v1/channels", """{"name": "a", "is_public": true""" },
    };

    [Theory]
    [MemberData(nameof(UnstorableTexts))]
    public async Task NulSurrogateOrWrongType_Is422_NothingStored(string method, string path, string json)
    {
        var user = await TestUser.NewAsync(_server);
        var before = await RowCountAsync();

        using var response = await user.Client.SendAsync(new HttpMethod(method), path, RawJson(json));

        await AssertRefusedAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal(before, await RowCountAsync());
    }

    [Theory]
    [InlineData("/api/v1/users/search?q=a%00b")]
    [InlineData("/api/v1/admin/users?page=2147483647")]
    public async Task BadQuery_Is4xxWithDetail(string pathAndQuery)
    {
        var root = await _server.CreateSuperadminClientAsync();

        using var response = await root.SendAsync(HttpMethod.Get, pathAndQuery);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{response.StatusCode}: {body}");
        Assert.Contains("\"detail\"", body);
    }

    [Fact]
    public async Task ChunkedBodyOverTheLimit_Is413()
    {
        var user = await TestUser.NewAsync(_server);
        var before = await RowCountAsync();
        var name = new string('a', 2 * 1024 * 1024);
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($$"""{"display_name": "{{name}}"}""")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/users/me") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Client.AccessToken);

        using var response = await user.Client.Http.SendAsync(request);

        await AssertRefusedAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(before, await RowCountAsync());
    }

    [Fact]
    public async Task MultipartWithoutBoundary_Is422()
    {
        var user = await TestUser.NewAsync(_server);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc\r\n--x--\r\n"));
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data");

        using var response = await user.Client.SendAsync(HttpMethod.Post, "/api/v1/users/me/avatar", content);

        await AssertRefusedAsync(response, HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task MessageOverTheMaximum_Is413_AtTheMaximumPassesTheSizeCheck()
    {
        var user = await TestUser.NewAsync(_server);
        var channel = await user.Client.CreateChannelAsync("big");
        var before = await RowCountAsync();

        using var tooLarge = await user.Client.SendAsync(HttpMethod.Post, $"/api/v1/channels/{channel.Id}/messages",
            new { content = new string('a', MessageLimits.MaxContentChars + 1), protocol_version = 1 });
        await AssertRefusedAsync(tooLarge, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(before, await RowCountAsync());

        using var atMaximum = await user.Client.SendAsync(HttpMethod.Post, $"/api/v1/channels/{channel.Id}/messages",
            new { content = new string('a', MessageLimits.MaxContentChars), protocol_version = 1 });
        // Plaintext is refused by this server's policy, a check that comes after the size check.
        Assert.Equal(D3Chat.Core.Http.Problem.PlaintextRefused.Detail, D3ChatClient.ReadDetail(await atMaximum.Content.ReadAsStringAsync()));
    }
}
