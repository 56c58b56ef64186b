using Microsoft.Extensions.Hosting;

namespace D3Chat.Core.Data;

/// <summary>Runs the migrator before the host starts serving (decision 3).</summary>
internal sealed class MigrationHostedService(Migrator migrator) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => migrator.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
