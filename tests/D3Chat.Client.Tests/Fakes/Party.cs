using D3Chat.Client.Crypto;
using D3Chat.Client.E2ee;
using Microsoft.Extensions.Time.Testing;

namespace D3Chat.Client.Tests.Fakes;

/// <summary>One device of one user, with its own store, talking to a <see cref="FakeKeyServer"/>.</summary>
public sealed class Party
{
    private Party(E2eeClient client, InMemoryProtocolStore store)
    {
        Client = client;
        Store = store;
    }

    public E2eeClient Client { get; }

    public InMemoryProtocolStore Store { get; }

    public Guid UserId => Client.UserId;

    public Guid DeviceId => Client.DeviceId;

    public static async Task<Party> CreateAsync(FakeKeyServer server, Guid? userId = null, TimeProvider? time = null)
    {
        var store = new InMemoryProtocolStore();
        var user = userId ?? Guid.NewGuid();
        var client = await E2eeClient.OpenAsync(user, Guid.NewGuid(), server.DirectoryFor(user), store, time ?? new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T00:00:00Z")));
        await client.EnsureDeviceKeysAsync();
        return new Party(client, store);
    }

    public async Task<IncomingMessage> SendAsync(Guid channelId, string text)
    {
        var encrypted = await Client.EncryptMessageAsync(channelId, new MessagePayload(text));
        return new IncomingMessage(channelId, UserId, encrypted.SenderDeviceId, encrypted.Content, encrypted.ProtocolVersion);
    }

    public async Task<string> ReadAsync(IncomingMessage message)
    {
        var result = await Client.DecryptMessageAsync(message);
        Assert.True(result.Ok, $"expected to decrypt, got {result}");
        return result.Value!.Text;
    }

    public async Task<DecryptFailureReason> FailAsync(IncomingMessage message)
    {
        var result = await Client.DecryptMessageAsync(message);
        Assert.False(result.Ok, "expected a decrypt failure");
        return result.Reason;
    }

    public async Task<ProtocolState> StateAsync() => (await Store.LoadAsync(DeviceId))!;
}
