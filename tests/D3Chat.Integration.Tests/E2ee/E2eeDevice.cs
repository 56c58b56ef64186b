using D3Chat.Client;
using D3Chat.Client.Crypto;
using D3Chat.Client.E2ee;
using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.E2ee;

/// <summary>One signed-in device of a user on a real server, with its encrypting client and its own store.</summary>
public sealed class E2eeDevice
{
    private E2eeDevice(string username, D3ChatClient client, TokenResponse tokens, E2eeClient e2ee)
    {
        Username = username;
        Client = client;
        Tokens = tokens;
        E2ee = e2ee;
    }

    public string Username { get; }

    public D3ChatClient Client { get; }

    public TokenResponse Tokens { get; }

    public E2eeClient E2ee { get; }

    public Guid UserId => Tokens.UserId;

    public Guid DeviceId => Tokens.DeviceId;

    /// <summary>Registers a new user; its first device creates and uploads its keys.</summary>
    public static async Task<E2eeDevice> RegisterAsync(D3ChatServer server, IProtocolStore? store = null)
    {
        var client = server.CreateClient();
        var username = Names.Username("e2");
        return await StartAsync(username, client, await client.RegisterAsync(username, Names.Password), store);
    }

    /// <summary>Signs the same user in again: a new device with new keys.</summary>
    public async Task<E2eeDevice> AnotherDeviceAsync(D3ChatServer server, IProtocolStore? store = null)
    {
        var client = server.CreateClient();
        return await StartAsync(Username, client, await client.LoginAsync(Username, Names.Password), store);
    }

    private static async Task<E2eeDevice> StartAsync(string username, D3ChatClient client, TokenResponse tokens, IProtocolStore? store)
    {
        var e2ee = await E2eeClient.OpenAsync(tokens.UserId, tokens.DeviceId, new D3ChatKeyDirectory(client), store ?? new InMemoryProtocolStore());
        await e2ee.EnsureDeviceKeysAsync();
        return new E2eeDevice(username, client, tokens, e2ee);
    }

    /// <summary>Encrypts and posts: protocol_version 3 with this device as sender_device_id.</summary>
    public async Task<MessageResponse> PostAsync(Guid channelId, string text)
    {
        var encrypted = await E2ee.EncryptMessageAsync(channelId, new MessagePayload(text));
        return await Client.SendMessageAsync(channelId, encrypted.Content, encrypted.SenderDeviceId,
            protocolVersion: encrypted.ProtocolVersion, clientMessageId: Guid.NewGuid().ToString());
    }

    public Task<DecryptResult<MessagePayload>> DecryptAsync(MessageResponse message) =>
        E2ee.DecryptMessageAsync(AsIncoming(message));

    /// <summary>Reads the channel through the server and decrypts every message.</summary>
    public async Task<List<DecryptResult<MessagePayload>>> ReadChannelAsync(Guid channelId)
    {
        var page = await Client.GetMessagesAsync(channelId, limit: 100);
        var results = new List<DecryptResult<MessagePayload>>();
        foreach (var message in page.Messages)
        {
            results.Add(await DecryptAsync(message));
        }
        return results;
    }

    public static IncomingMessage AsIncoming(MessageResponse m) =>
        new(m.ChannelId, m.SenderId ?? Guid.Empty, m.SenderDeviceId, m.Content, m.ProtocolVersion);
}
