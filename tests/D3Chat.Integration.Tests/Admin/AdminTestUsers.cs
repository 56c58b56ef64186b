using D3Chat.Client;
using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.Admin;

/// <summary>Creates users of each server role for admin tests.</summary>
public static class AdminTestUsers
{
    public static async Task<(D3ChatClient Client, Guid Id)> UserAsync(D3ChatServer server)
    {
        var user = await TestUser.NewAsync(server);
        return (user.Client, user.Id);
    }

    /// <summary>A fresh user promoted to <paramref name="role"/> by the bootstrapped superadmin.</summary>
    public static async Task<(D3ChatClient Client, Guid Id)> WithRoleAsync(D3ChatServer server, string role)
    {
        var (client, id) = await UserAsync(server);
        var root = await server.CreateSuperadminClientAsync();
        await root.PromoteAsync(id, role);
        return (client, id);
    }
}
