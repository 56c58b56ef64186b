using System.Net;
using D3Chat.Core.Data;
using D3Chat.Core.Hosting;
using D3Chat.Core.Queue;
using D3Chat.Core.Realtime;
using D3Chat.Core.Tests.Fakes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace D3Chat.Core.Tests.Identity;

/// <summary>
/// The keyless paths used in Azure (Microsoft Entra ID for PostgreSQL, Service Bus and SignalR), and
/// that offline settings (connection strings, keys) still select the key-based paths.
/// </summary>
public sealed class KeylessConnectionTests
{
    [Fact]
    public async Task PostgresPasswordProvider_AsksForAnOssRdbmsToken_AndReturnsIt()
    {
        var credential = new FakeTokenCredential("entra-token");

        var password = await PostgresDataSource.PasswordProvider(credential)(new NpgsqlConnectionStringBuilder(), default);

        Assert.Equal("entra-token", password);
        Assert.Equal(["https://ossrdbms-aad.database.windows.net/.default"], Assert.Single(credential.RequestedScopes));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("managedidentity", true)]
    [InlineData("ManagedIdentity", true)]
    public void PostgresOptions_Credential_SelectsEntraIdOnlyForManagedIdentity(string? credential, bool expected) =>
        Assert.Equal(expected, new PostgresOptions { ConnectionString = "Host=x", Credential = credential }.UsesEntraId);

    [Theory]
    [InlineData(null)]
    [InlineData(6432)]
    public async Task MigrationDataSource_WithoutADifferentDirectPort_IsTheSharedOne(int? directPort)
    {
        var options = new PostgresOptions { ConnectionString = "Host=db;Port=6432;Username=u", DirectPort = directPort };
        await using var shared = PostgresDataSource.Create(options);

        Assert.Same(shared, PostgresDataSource.ForMigrations(options, shared));
    }

    [Fact]
    public async Task MigrationDataSource_BehindPgBouncer_ConnectsDirectlyOnTheDirectPort()
    {
        var options = new PostgresOptions { ConnectionString = "Host=db;Port=6432;Username=u;Maximum Pool Size=4", DirectPort = 5432 };
        await using var shared = PostgresDataSource.Create(options);

        await using var direct = PostgresDataSource.ForMigrations(options, shared);

        var builder = new NpgsqlConnectionStringBuilder(direct.ConnectionString);
        Assert.Equal(5432, builder.Port);
        Assert.Equal("db", builder.Host);
        Assert.Equal(1, builder.MaxPoolSize);
    }

    [Fact]
    public async Task ServiceBusClient_FromConnectionString_UsesIt()
    {
        var configuration = Configuration(new() { ["Queue:ServiceBusConnection"] = "Endpoint=sb://emulator.local/;SharedAccessKeyName=k;SharedAccessKey=dGVzdA==;UseDevelopmentEmulator=true" });

        await using var client = ServiceBusClientFactory.Create(configuration);

        Assert.Equal("emulator.local", client.FullyQualifiedNamespace);
    }

    [Fact]
    public async Task ServiceBusClient_FromIdentitySettings_UsesTheNamespace()
    {
        var configuration = Configuration(new()
        {
            ["Queue:ServiceBusConnection:fullyQualifiedNamespace"] = "sb-x.servicebus.windows.net",
            ["Queue:ServiceBusConnection:clientId"] = "00000000-0000-0000-0000-000000000001",
        });

        await using var client = ServiceBusClientFactory.Create(configuration);

        Assert.Equal("sb-x.servicebus.windows.net", client.FullyQualifiedNamespace);
    }

    [Fact]
    public void ServiceBusClient_WithNeither_FailsNamingBothSettings()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ServiceBusClientFactory.Create(Configuration(new())));

        Assert.Contains("Queue__ServiceBusConnection__fullyQualifiedNamespace", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SignalREndpoint_ManagedIdentityConnectionString_HasNoKeyAndKeepsTheClientId()
    {
        var endpoint = SignalREndpoint.Parse("Endpoint=https://x.service.signalr.net;AuthType=azure.msi;ClientId=abc;Version=1.0;")!;

        Assert.True(endpoint.UsesIdentity);
        Assert.Null(endpoint.AccessKey);
        Assert.Equal("abc", endpoint.ClientId);
        Assert.Equal("https://x.service.signalr.net", endpoint.BaseUrl);
    }

    [Fact]
    public async Task SignalRNotifier_WithEntraId_SendsTheEntraTokenForTheSignalRScope()
    {
        var endpoint = SignalREndpoint.Parse("Endpoint=https://x.service.signalr.net;AuthType=azure.msi;Version=1.0;")!;
        var credential = new FakeTokenCredential("entra-token");
        var http = new RecordingHttpHandler();
        var client = new HttpClient(http);
        var notifier = new SignalRServiceNotifier(client, endpoint, "d3chat", TimeProvider.System, NullLogger<SignalRServiceNotifier>.Instance,
            authorizer: new EntraSignalRAuthorizer(endpoint, "d3chat", credential, client));

        await notifier.RemoveUserFromAllGroupsAsync(Guid.NewGuid(), default);

        Assert.Equal("entra-token", Assert.Single(http.Requests).Bearer);
        Assert.Equal(["https://signalr.azure.com/.default"], Assert.Single(credential.RequestedScopes));
    }

    [Fact]
    public async Task EntraClientToken_ComesFromGenerateTokenForTheUser()
    {
        var endpoint = SignalREndpoint.Parse("Endpoint=https://x.service.signalr.net;AuthType=azure.msi;Version=1.0;")!;
        var http = new RecordingHttpHandler().ThenJson(HttpStatusCode.OK, """{"token":"client-token"}""");
        var authorizer = new EntraSignalRAuthorizer(endpoint, "d3chat", new FakeTokenCredential("entra-token"), new HttpClient(http));
        var user = Guid.NewGuid();

        var token = await authorizer.ClientTokenAsync(endpoint.ClientUrl("d3chat"), user, default);

        Assert.Equal("client-token", token);
        var request = Assert.Single(http.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal($"https://x.service.signalr.net/api/hubs/d3chat/:generateToken?api-version=2024-12-01&userId={user:D}&minutesToExpire=60",
            request.Uri.AbsoluteUri);
        Assert.Equal("entra-token", request.Bearer);
    }

    [Fact]
    public async Task EntraClientToken_ServiceRefuses_ThrowsRealtimeDeliveryException()
    {
        var endpoint = SignalREndpoint.Parse("Endpoint=https://x.service.signalr.net;AuthType=azure.msi;Version=1.0;")!;
        var authorizer = new EntraSignalRAuthorizer(endpoint, "d3chat", new FakeTokenCredential("t"),
            new HttpClient(new RecordingHttpHandler().Then(HttpStatusCode.Forbidden)));

        await Assert.ThrowsAsync<RealtimeDeliveryException>(async () => await authorizer.ClientTokenAsync("u", Guid.NewGuid(), default));
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
