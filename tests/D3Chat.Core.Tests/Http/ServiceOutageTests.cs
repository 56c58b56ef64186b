using System.Net.Sockets;
using Azure;
using D3Chat.Core.Http;
using Microsoft.AspNetCore.Http;
using Npgsql;

namespace D3Chat.Core.Tests.Http;

/// <summary>Which failures are an outage of a backing service (503 + Retry-After) and which stay bugs (500).</summary>
public sealed class ServiceOutageTests
{
    public static TheoryData<Exception> Outages() => new()
    {
        new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)),
        new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown),
        new PostgresException("the database system is starting up", "FATAL", "FATAL", PostgresErrorCodes.CannotConnectNow),
        new RequestFailedException(0, "Connection refused"),
        new ServiceUnavailableException("Replay protection is unavailable"),
        new InvalidOperationException("wrapped", new SocketException((int)SocketError.ConnectionRefused)),
    };

    public static TheoryData<Exception> Bugs() => new()
    {
        new InvalidOperationException("a bug"),
        new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation),
        new RequestFailedException(403, "This request is not authorized"),
        new NullReferenceException(),
    };

    [Theory]
    [MemberData(nameof(Outages))]
    public void IsOutage_UnreachableService_IsTrue(Exception exception) => Assert.True(ServiceOutage.IsOutage(exception));

    [Theory]
    [MemberData(nameof(Bugs))]
    public void IsOutage_OtherFailures_IsFalse(Exception exception) => Assert.False(ServiceOutage.IsOutage(exception));

    [Fact]
    public async Task WriteAsync_Answers503WithRetryAfterAndDetail()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();

        await ServiceOutage.WriteAsync(context);

        context.Response.Body.Position = 0;
        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("5", context.Response.Headers.RetryAfter.ToString());
        Assert.Equal("""{"detail":"Service temporarily unavailable; retry later"}""", await new StreamReader(context.Response.Body).ReadToEndAsync());
    }
}
