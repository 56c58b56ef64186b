using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using D3Chat.Client;

namespace D3Chat.Bench.Realtime;

/// <summary>
/// The load generator's message POST: the same request body as <see cref="D3ChatClient.SendMessageAsync"/>
/// (with a fresh <c>client_message_id</c>, as the web app sends), written straight to UTF-8, and only
/// the status checked on the answer. The generator shares two cores with the server and with pgbench's
/// C client, so what it spends per message is CPU the server does not get (skipping the D3Chat client's
/// JSON both ways took its share from about 0.25 to 0.23 CPU-ms per message).
/// </summary>
internal static class MessagePost
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };

    /// <summary>Posts a protocol-3 message from <paramref name="device"/>; throws unless the answer is 201.</summary>
    public static async Task SendAsync(D3ChatClient sender, Guid channel, string content, Guid device)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/channels/{channel}/messages") { Content = Body(content, device) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", sender.AccessToken);
        using var response = await sender.Http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"POST message answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static ByteArrayContent Body(string content, Guid device)
    {
        var buffer = new ArrayBufferWriter<byte>(content.Length + 256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("content", content);
            json.WriteString("content_type", "text");
            json.WriteNumber("protocol_version", 3);
            json.WriteString("sender_device_id", device);
            json.WriteNull("reply_to_id");
            json.WriteStartArray("attachment_ids");
            json.WriteEndArray();
            json.WriteString("client_message_id", Guid.NewGuid().ToString("N"));
            json.WriteEndObject();
        }
        var body = new ByteArrayContent(buffer.WrittenSpan.ToArray());
        body.Headers.ContentType = JsonType;
        return body;
    }
}
