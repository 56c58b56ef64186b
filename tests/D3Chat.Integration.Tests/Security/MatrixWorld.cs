using System.Text.Json.Nodes;
using D3Chat.Client;
using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.Security;

/// <summary>The callers of the authorization matrix, one column of its table each.</summary>
public enum MatrixRole
{
    Anonymous, User, NonMember, Member, ExMember, Owner, Admin, Superadmin, Banned, Suspended,
}

/// <summary>A signed-in caller of the matrix and what it needs to sign in again.</summary>
public sealed record RoleAccount(TestUser User, string Username, string Password);

/// <summary>
/// The world of the authorization matrix: the fuzz run's world (an owner with a channel, a message
/// and an attachment, a member, the superadmin) and one signed-in account per other role: a user
/// with no relation to anything, a non-member who owns another channel, an ex-member who posted in
/// the channel and left it, an admin, and a banned and a suspended former member whose tokens were
/// issued before the ban or suspension. The owner has a key bundle and the member an avatar, so the
/// routes that read them can succeed. A request that spends part of the world (see
/// <see cref="RenewAfterAsync"/>) has it made again before the next cell.
/// </summary>
public sealed class MatrixWorld
{
    private readonly D3ChatServer _server;
    private readonly Dictionary<MatrixRole, RoleAccount> _accounts = [];

    private MatrixWorld(D3ChatServer server, FuzzWorld fuzz)
    {
        _server = server;
        Fuzz = fuzz;
    }

    public FuzzWorld Fuzz { get; }

    /// <summary>The ex-member's own message in the current channel, written before they left.</summary>
    public Guid ExMemberMessageId { get; private set; }

    public int Renewals { get; private set; }

    public static async Task<MatrixWorld> CreateAsync(D3ChatServer server)
    {
        var world = new MatrixWorld(server, await FuzzWorld.CreateAsync(server));
        var superadmin = server.CreateClient();
        var rootName = server.Settings["Bootstrap__AdminUsername"];
        var rootPassword = server.Settings["Bootstrap__AdminPassword"];
        world._accounts[MatrixRole.Superadmin] = new(new TestUser(superadmin, await superadmin.LoginAsync(rootName, rootPassword)), rootName, rootPassword);
        foreach (var role in new[] { MatrixRole.User, MatrixRole.NonMember, MatrixRole.ExMember, MatrixRole.Admin, MatrixRole.Banned, MatrixRole.Suspended })
        {
            var name = Names.Username("mx");
            world._accounts[role] = new(await TestUser.NewAsync(server, name), name, Names.Password);
        }
        var root = world.Account(MatrixRole.Superadmin)!.User.Client;
        await world.Account(MatrixRole.NonMember)!.User.Client.CreateChannelAsync($"other-{Guid.NewGuid():N}"[..20]);
        await root.PromoteAsync(world.Account(MatrixRole.Admin)!.User.Id, "admin");
        foreach (var role in new[] { MatrixRole.Banned, MatrixRole.Suspended })
        {
            await world.Fuzz.Owner.Client.AddMemberAsync(world.Fuzz.ChannelId, world.Account(role)!.User.Id);
        }
        await root.BanAsync(world.Account(MatrixRole.Banned)!.User.Id, "matrix");
        await root.SuspendAsync(world.Account(MatrixRole.Suspended)!.User.Id, 24, "matrix");
        await world.CompleteAsync(owner: true, member: true);
        return world;
    }

    /// <summary>The role's account; null for the anonymous caller. The owner and the member are the fuzz world's.</summary>
    public RoleAccount? Account(MatrixRole role) => role switch
    {
        MatrixRole.Anonymous => null,
        MatrixRole.Owner => new(Fuzz.Owner, Fuzz.OwnerName, Names.Password),
        MatrixRole.Member => new(Fuzz.Member, Fuzz.MemberName, Names.Password),
        _ => _accounts[role],
    };

    /// <summary>A route parameter's value as the role addresses it: the ex-member edits and deletes their own message.</summary>
    public string PathValue(MatrixRole role, string parameter) =>
        parameter == "messageId" && role == MatrixRole.ExMember ? ExMemberMessageId.ToString() : Fuzz.PathValue(parameter);

    public IReadOnlyDictionary<string, string> Query(RouteOperation op, MatrixRole role)
    {
        var query = new Dictionary<string, string>(FuzzSeeds.Query(op.OperationId, Fuzz));
        if (op.OperationId == "GetSenderKeys")
        {
            // The envelopes addressed to the caller's own device.
            query["device_id"] = CallerDevice(role).ToString();
        }
        return query;
    }

    /// <summary>
    /// The fuzz seed, as this role sends it: messages and sender keys from the caller's own device,
    /// a member added who is not one yet, and login and refresh with the caller's own credentials.
    /// </summary>
    public JsonObject? Body(RouteOperation op, MatrixRole role)
    {
        var body = FuzzSeeds.Body(op.OperationId, Fuzz);
        var account = Account(role);
        switch (op.OperationId)
        {
            case "SendMessage":
                body!["sender_device_id"] = CallerDevice(role).ToString();
                break;
            case "UploadSenderKey":
                body!["device_id"] = CallerDevice(role).ToString();
                break;
            case "AddChannelMember":
                body!["user_id"] = Account(MatrixRole.User)!.User.Id.ToString();
                break;
            case "Login":
                body!["username"] = account?.Username ?? Names.Username("nobody");
                body["password"] = account?.Password ?? Names.Password;
                break;
            case "Refresh":
                body!["refresh_token"] = account?.User.Tokens.RefreshToken ?? "not-a-refresh-token";
                break;
        }
        return body;
    }

    /// <summary>
    /// Makes again what a successful request spent: the caller's sessions after logout-all; the
    /// fuzz run's notion for the rest (the owner, the member, the channel); and the channel after a
    /// join or an added member, which would make outsiders members for the next cells.
    /// </summary>
    public async Task RenewAfterAsync(RouteOperation op, MatrixRole role)
    {
        if (op.OperationId == "LogoutAll")
        {
            await SignInAgainAsync(role);
        }
        else if (FuzzSeeds.Spends.TryGetValue(op.OperationId, out var spent))
        {
            await RenewAsync(spent.Owner, spent.Member);
        }
        else if (op.OperationId is "JoinChannel" or "AddChannelMember")
        {
            await RenewAsync(owner: false, member: false);
        }
        else
        {
            return;
        }
        Renewals++;
    }

    private async Task SignInAgainAsync(MatrixRole role)
    {
        if (role is MatrixRole.Owner or MatrixRole.Member)
        {
            await RenewAsync(owner: role == MatrixRole.Owner, member: role == MatrixRole.Member);
            return;
        }
        var account = _accounts[role];
        var client = _server.CreateClient();
        _accounts[role] = account with { User = new TestUser(client, await client.LoginAsync(account.Username, account.Password)) };
    }

    private async Task RenewAsync(bool owner, bool member)
    {
        await Fuzz.RenewAsync(owner, member);
        await CompleteAsync(owner, member);
    }

    /// <summary>What the fuzz world lacks: the owner's key bundle, the member's avatar, and the ex-member's past in the channel.</summary>
    private async Task CompleteAsync(bool owner, bool member)
    {
        if (owner)
        {
            await Fuzz.Owner.Client.UploadKeyBundleAsync(Fuzz.Owner.DeviceId, "ik", "spk", "sig", ["otk1", "otk2", "otk3"]);
        }
        if (member)
        {
            await Fuzz.Member.Client.UploadAvatarAsync(SeedRequests.Png, "image/png");
        }
        var exMember = _accounts[MatrixRole.ExMember].User;
        await Fuzz.Owner.Client.AddMemberAsync(Fuzz.ChannelId, exMember.Id);
        ExMemberMessageId = (await exMember.SendOpaqueAsync(Fuzz.ChannelId)).Id;
        await exMember.Client.LeaveChannelAsync(Fuzz.ChannelId);
    }

    private Guid CallerDevice(MatrixRole role) => Account(role)?.User.DeviceId ?? Guid.NewGuid();
}
