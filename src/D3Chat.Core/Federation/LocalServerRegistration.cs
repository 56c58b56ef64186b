using D3Chat.Core.Crypto;
using D3Chat.Core.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace D3Chat.Core.Federation;

/// <summary>
/// Upserts this server's own <c>servers</c> row at startup (spec §1: is_local, verified, protocol 1).
/// Registered after the migration service, so the table exists. A failure is logged, not fatal:
/// peers discover us through the well-known document, not through this row.
/// </summary>
internal sealed partial class LocalServerRegistration(
    ServerStore servers,
    Users.UserStore users,
    ServerSigningKey signingKey,
    IOptions<ServerOptions> server,
    TimeProvider time,
    ILogger<LocalServerRegistration> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await servers.UpsertAsync(new PeerServer(server.Value.Domain, signingKey.PublicKeyBase64, server.Value.EffectiveApiBaseUrl, 1),
                isLocal: true, time.GetUtcNow(), cancellationToken);
            await users.AdoptDomainAsync(server.Value.Domain, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record this server's own servers row")]
    private partial void LogFailed(Exception exception);
}
