using System.Net;
using System.Text;
using D3Chat.Client;
using D3Chat.Integration.Tests.Infrastructure;
using Dapper;

namespace D3Chat.Integration.Tests.Hardening;

/// <summary>Regression tests for the 500s the fuzz run (tests/D3Chat.Integration.Tests/Security) found, one each.</summary>
[Collection(ServerCollections.Accounts)]
public sealed class FuzzFindingsTests(ServerFixture fixture)
{
    private readonly D3ChatServer _server = fixture.Server;

    /// <summary>An attachment's file name is stored as text: NUL, raw or encoded, was a 500 from PostgreSQL.</summary>
    [Theory]
    [InlineData("filename=\"a\u0000.png\"")]
    [InlineData("filename*=UTF-8''a%00.png")]
    public async Task Upload_FileNameWithNul_Is422_NothingStored(string fileName)
    {
        var user = await TestUser.NewAsync(_server);
        var channel = await user.Client.CreateChannelAsync("files");
        var body = Encoding.UTF8.GetBytes(
            $"--b\r\nContent-Disposition: form-data; name=\"file\"; {fileName}\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b--\r\n");
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=b");

        using var response = await user.Client.SendAsync(HttpMethod.Post, $"/api/v1/channels/{channel.Id}/attachments", content);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{(int)response.StatusCode}: {text}");
        Assert.Contains("string_unstorable", text);
        await using var data = _server.CreateDataSource();
        await using var connection = await data.OpenConnectionAsync();
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM attachments WHERE channel_id = @Id", new { channel.Id }));
    }

    /// <summary>Uploads of one device's sender key at the same moment (a client retrying) all succeed; the envelopes of one of them remain.</summary>
    [Fact]
    public async Task SenderKeyUploads_OneDeviceAtOnce_AllSucceed()
    {
        var user = await TestUser.NewAsync(_server);
        var channel = await user.Client.CreateChannelAsync("keys");

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => user.Client.SendAsync(HttpMethod.Post, $"/api/v1/keys/channels/{channel.Id}/sender-keys", new
        {
            device_id = user.DeviceId, sender_key_public = $"key-{i}", envelopes = new[] { new { recipient_device_id = user.DeviceId, envelope = $"envelope-{i}" } },
        })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        await using var data = _server.CreateDataSource();
        await using var connection = await data.OpenConnectionAsync();
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM sender_key_envelopes WHERE channel_id = @Id", new { channel.Id }));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }
}
