using D3Chat.Core.Auth;
using D3Chat.Core.Hosting;
using D3Chat.Core.Users;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace D3Chat.Core.Bootstrap;

/// <summary>
/// Creates the first superadmin from configuration at startup, once: only when no local
/// superadmin exists. Registered after the migration service, so the schema is current.
/// Several apps may start together; the username's unique constraint lets only one insert win.
/// </summary>
internal sealed partial class BootstrapAdminHostedService(
    UserStore users,
    PasswordHasher hasher,
    IOptions<BootstrapOptions> options,
    IOptions<ServerOptions> server,
    TimeProvider time,
    ILogger<BootstrapAdminHostedService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var config = options.Value;
        if (!config.IsConfigured)
        {
            LogNotConfigured(logger);
            return;
        }
        bool inserted;
        try
        {
            inserted = await users.InsertFirstSuperadminAsync(
                config.AdminUsername!, hasher.Hash(config.AdminPassword!), server.Value.Domain, time.GetUtcNow(), cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == UserStore.UniqueViolation)
        {
            // Either another app instance won the race, or an ordinary user already has that name:
            // never promote an existing account from configuration.
            LogUsernameTaken(logger, config.AdminUsername!);
            return;
        }
        if (inserted)
        {
            LogCreated(logger, config.AdminUsername!);
        }
        else
        {
            LogAlreadyPresent(logger);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "No superadmin bootstrapped: Bootstrap__AdminUsername and Bootstrap__AdminPassword are not set")]
    private static partial void LogNotConfigured(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bootstrapped superadmin {Username} from configuration")]
    private static partial void LogCreated(ILogger logger, string username);

    [LoggerMessage(Level = LogLevel.Information, Message = "A superadmin already exists; bootstrap skipped")]
    private static partial void LogAlreadyPresent(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Superadmin not bootstrapped: username {Username} is already taken")]
    private static partial void LogUsernameTaken(ILogger logger, string username);
}
