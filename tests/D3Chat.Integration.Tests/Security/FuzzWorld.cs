using D3Chat.Client;
using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.Security;

/// <summary>
/// The real data the fuzz run aims at, so mutated requests reach deep code: a user who owns a
/// channel with a message and an attachment, a second member (the admin routes' target), and the
/// superadmin. A request that succeeds at something destructive (leave, delete, ban, logout-all)
/// spends part of it; <see cref="RenewAsync"/> then makes that part again.
/// </summary>
public sealed class FuzzWorld
{
    private readonly D3ChatServer _server;

    private FuzzWorld(D3ChatServer server, D3ChatClient admin)
    {
        _server = server;
        Admin = admin;
    }

    public D3ChatClient Admin { get; }

    public TestUser Owner { get; private set; } = null!;

    public string OwnerName { get; private set; } = "";

    public TestUser Member { get; private set; } = null!;

    public string MemberName { get; private set; } = "";

    /// <summary>The server's own domain, as in <c>user@domain</c>.</summary>
    public string Domain { get; private set; } = "localhost";

    public Guid ChannelId { get; private set; }

    public Guid MessageId { get; private set; }

    public Guid AttachmentId { get; private set; }

    public static async Task<FuzzWorld> CreateAsync(D3ChatServer server)
    {
        var world = new FuzzWorld(server, await server.CreateSuperadminClientAsync()) { Domain = server.Settings["Server__Domain"] };
        await world.RenewAsync(owner: true, member: true);
        return world;
    }

    /// <summary>A new owner (and so a new channel), a new member, or only a new channel with its content.</summary>
    public async Task RenewAsync(bool owner, bool member)
    {
        if (owner)
        {
            OwnerName = Names.Username("fz");
            Owner = await TestUser.NewAsync(_server, OwnerName);
        }
        if (member)
        {
            MemberName = Names.Username("fm");
            Member = await TestUser.NewAsync(_server, MemberName);
        }
        var channel = await Owner.Client.CreateChannelAsync($"fuzz-{Guid.NewGuid():N}"[..20]);
        ChannelId = channel.Id;
        await Owner.Client.AddMemberAsync(ChannelId, Member.Id);
        MessageId = (await Owner.SendOpaqueAsync(ChannelId)).Id;
        AttachmentId = (await Owner.Client.UploadAttachmentAsync(ChannelId, "fuzz"u8.ToArray(), "fuzz.txt", "text/plain")).Id;
    }

    /// <summary>A world without a server, for questions about the seeds' shapes only.</summary>
    internal static FuzzWorld Placeholder()
    {
        var world = new FuzzWorld(null!, null!);
        var user = new TestUser(null!, new TokenResponse("", "", "bearer", Guid.Empty, Guid.Empty));
        world.Owner = user;
        world.Member = user;
        return world;
    }

    /// <summary>The real value of a route parameter, by its name in the route template.</summary>
    public string PathValue(string parameter) => parameter switch
    {
        "channelId" or "channel_id" => ChannelId.ToString(),
        "messageId" => MessageId.ToString(),
        "attachmentId" => AttachmentId.ToString(),
        "user_id" or "userId" => Member.Id.ToString(),
        "deviceId" or "device_id" => Owner.DeviceId.ToString(),
        "domain" => "peer.example",
        "code" => "fuzzcode",
        "key" => "app_description",
        "id" => Guid.NewGuid().ToString(),
        _ => throw new InvalidOperationException($"no value for route parameter {parameter}; add it to FuzzWorld.PathValue"),
    };
}
