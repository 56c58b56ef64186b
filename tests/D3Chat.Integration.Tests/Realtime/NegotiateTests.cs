using System.Net;
using System.Text;
using System.Text.Json;
using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.Realtime;

[Collection(ServerCollections.Realtime)]
public sealed class NegotiateTests(ServerFixture fixture)
{
    private readonly D3ChatServer _server = fixture.Server;

    [Fact]
    public async Task Negotiate_WithoutBearer_Returns401()
    {
        using var response = await _server.CreateClient().SendAsync(HttpMethod.Post, "/api/v1/realtime/negotiate");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Negotiate_Authenticated_ReturnsEmulatorClientUrlAndTokenForTheCaller()
    {
        var client = _server.CreateClient();
        var me = await client.RegisterAsync(Names.Username(), Names.Password);

        var info = await client.NegotiateAsync();

        Assert.Equal($"{_server.Host.BaseAddress.GetLeftPart(UriPartial.Authority)}/client/?hub=d3chat", info.Url);
        var payload = JwtPayload(info.AccessToken);
        Assert.Equal(me.UserId.ToString(), payload.GetProperty("nameid").GetString());
        Assert.Equal(info.Url, payload.GetProperty("aud").GetString());
    }

    [Fact]
    public async Task Negotiate_UserIdInQueryOrHeader_IsIgnored()
    {
        var client = _server.CreateClient();
        var me = await client.RegisterAsync(Names.Username(), Names.Password);
        var other = Guid.NewGuid();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/realtime/negotiate?userid={other}");
        request.Headers.Authorization = new("Bearer", client.AccessToken);
        request.Headers.Add("x-ms-signalr-userid", other.ToString());

        using var response = await client.Http.SendAsync(request);

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(me.UserId.ToString(), JwtPayload(body.RootElement.GetProperty("accessToken").GetString()!).GetProperty("nameid").GetString());
    }

    private static JsonElement JwtPayload(string token)
    {
        var part = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        part = part.PadRight(part.Length + (4 - part.Length % 4) % 4, '=');
        return JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(part))).RootElement.Clone();
    }
}
