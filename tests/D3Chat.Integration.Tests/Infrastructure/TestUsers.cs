using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using D3Chat.Client;
using Dapper;

namespace D3Chat.Integration.Tests.Infrastructure;

/// <summary>
/// A registered user of a test: its client (bearer set) and the tokens with its first device. The one
/// way tests make users (tests of registration itself excepted).
/// </summary>
public sealed record TestUser(D3ChatClient Client, TokenResponse Tokens)
{
    public Guid Id => Tokens.UserId;

    public Guid DeviceId => Tokens.DeviceId;

    /// <summary>Posts an opaque v3 message from this user's first device (see <see cref="OpaqueMessages"/>).</summary>
    public Task<MessageResponse> SendOpaqueAsync(Guid channelId, Guid? replyToId = null, IReadOnlyList<Guid>? attachmentIds = null, string? clientMessageId = null) =>
        Client.SendOpaqueAsync(channelId, DeviceId, replyToId, attachmentIds, clientMessageId);

    public static async Task<TestUser> NewAsync(D3ChatServer server, string? username = null)
    {
        var client = server.CreateClient();
        return new TestUser(client, await client.RegisterAsync(username ?? Names.Username(), Names.Password));
    }
}

public static class Expect
{
    /// <summary>Asserts that the call fails with <paramref name="status"/> (and <paramref name="detail"/> when given).</summary>
    public static async Task<ApiException> FailsAsync(Func<Task> call, HttpStatusCode status, string? detail = null)
    {
        var error = await Assert.ThrowsAsync<ApiException>(call);
        Assert.Equal(status, error.Status);
        if (detail is not null)
        {
            Assert.Equal(detail, error.Detail);
        }
        return error;
    }

    /// <summary>Asserts a 422 whose FastAPI-style detail names <paramref name="loc"/> with exactly <paramref name="msg"/>.</summary>
    public static async Task InvalidAsync(D3ChatClient client, HttpMethod method, string path, object body, string[] loc, string msg, IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, options: D3ChatClient.Json) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", client.AccessToken);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.Add(name, value);
        }
        using var response = await client.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{(int)response.StatusCode}: {text}");
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("detail").EnumerateArray()
            .Select(e => (Loc: string.Join('.', e.GetProperty("loc").EnumerateArray().Select(l => l.GetString())), Msg: e.GetProperty("msg").GetString()))
            .ToList();
        Assert.Contains((string.Join('.', loc), msg), errors);
    }

    /// <summary>Sends a raw request and returns its status (for routes the typed client does not cover, e.g. malformed ids).</summary>
    public static async Task<HttpStatusCode> StatusAsync(D3ChatClient client, HttpMethod method, string path, object? body = null)
    {
        using var response = await client.SendAsync(method, path, body);
        return response.StatusCode;
    }
}

/// <summary>Reads outbox rows directly: the events a change wrote in its transaction.</summary>
public static class Outbox
{
    public static async Task<IReadOnlyList<JsonElement>> EventsAsync(D3ChatServer server, string whereJsonPath, string value)
    {
        await using var dataSource = server.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        var rows = await connection.QueryAsync<string>(
            $"SELECT payload::text FROM outbox WHERE {whereJsonPath} = @Value ORDER BY created_at", new { Value = value });
        return rows.Select(r => JsonDocument.Parse(r).RootElement).ToList();
    }
}
