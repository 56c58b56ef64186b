using System.Security.Cryptography;
using D3Chat.Client;
using MessageFrame = D3Chat.Core.Messages.MessageFrame;

namespace D3Chat.Integration.Tests.Infrastructure;

/// <summary>
/// Every channel is end-to-end encrypted, so tests post what a D3Chat client posts: protocol v3
/// frames. These are well-formed (version and type bytes, enough length) and otherwise random:
/// the server checks the frame, never the contents, so nothing here needs real keys.
/// </summary>
public static class OpaqueMessages
{
    /// <summary>Base64 of <c>0x04 0x11</c>, a random chain id and index, <paramref name="ciphertextLength"/> random bytes (tag included) and a random signature.</summary>
    public static string Frame(int ciphertextLength = 48)
    {
        var bytes = new byte[MessageFrame.MinLength - 16 + Math.Max(16, ciphertextLength)];
        RandomNumberGenerator.Fill(bytes);
        bytes[0] = MessageFrame.Version;
        bytes[1] = MessageFrame.TypeGroup;
        return Convert.ToBase64String(bytes);
    }

    /// <summary>Posts a fresh opaque v3 message from <paramref name="deviceId"/>, or from the client's first device when null.</summary>
    public static async Task<MessageResponse> SendOpaqueAsync(this D3ChatClient client, Guid channelId, Guid? deviceId = null, Guid? replyToId = null,
        IReadOnlyList<Guid>? attachmentIds = null, string? clientMessageId = null, string? content = null)
    {
        deviceId ??= (await client.ListDevicesAsync()).OrderBy(d => d.CreatedAt).First().Id;
        return await client.SendMessageAsync(channelId, content ?? Frame(), deviceId, replyToId, attachmentIds,
            protocolVersion: MessageFrame.ProtocolVersion, clientMessageId: clientMessageId);
    }

    /// <summary>Replaces a v3 message's content with a fresh opaque frame (an edit keeps the framing).</summary>
    public static Task<MessageResponse> EditOpaqueAsync(this D3ChatClient client, Guid messageId, string? content = null) =>
        client.EditMessageAsync(messageId, content ?? Frame());
}
