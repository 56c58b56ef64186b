using System.Net.Sockets;
using Azure;
using Microsoft.AspNetCore.Http;
using Npgsql;
using StackExchange.Redis;

namespace D3Chat.Core.Http;

/// <summary>
/// The one answer for "a service this request needs is down" (issue 13): PostgreSQL unreachable or
/// failing over, Storage unreachable on a request path, or Redis where it guards a decision that
/// must not fail open. Such a request is answered <c>503</c> with <c>Retry-After</c> and a
/// <c>{"detail"}</c> body, never a 500, so clients (and the idempotent send) retry it.
/// </summary>
public static class ServiceOutage
{
    /// <summary>Seconds a client should wait before retrying; short, because failovers take seconds.</summary>
    public const int RetryAfterSeconds = 5;

    public const string Detail = "Service temporarily unavailable; retry later";

    /// <summary>True when <paramref name="exception"/> (or an inner one) means a backing service is unreachable, not a bug.</summary>
    public static bool IsOutage(Exception? exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case ServiceUnavailableException:
                // Npgsql marks connection failures, failovers and server shutdowns transient; pool
                // exhaustion while the server is away surfaces as a connect timeout, also transient.
                case NpgsqlException { IsTransient: true }:
                case PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.CrashShutdown }:
                case RedisConnectionException:
                case RedisTimeoutException:
                case SocketException:
                // Storage: no HTTP status means the request never got an answer (connection refused, timeout).
                case RequestFailedException { Status: 0 }:
                    return true;
            }
        }
        return false;
    }

    /// <summary>Writes the 503 answer (the LocalHost's endpoint wrapper and the worker's error handling share it).</summary>
    public static async Task WriteAsync(HttpContext context)
    {
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await context.Response.WriteAsJsonAsync(new ErrorBody(Detail), ApiResults.Json);
    }
}

/// <summary>Thrown where a dependency is down and continuing would be unsafe (e.g. replay protection without its store).</summary>
internal sealed class ServiceUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
