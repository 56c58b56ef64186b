using D3Chat.Core.Audit;
using D3Chat.Core.Http;
using Npgsql;

namespace D3Chat.Core.Admin;

/// <summary>Admin channel moderation and the dashboard (spec api.md §10).</summary>
public sealed class AdminChannelService(NpgsqlDataSource dataSource, AdminChannelStore store, AuditLogStore audit, TimeProvider time)
{
    public Task<AdminChannelPage> ListAsync(AdminChannelFilter filter, CancellationToken ct) => store.ListAsync(filter, ct);

    public async Task<Outcome<AdminChannelDetail>> GetAsync(Guid id, CancellationToken ct) =>
        await store.GetAsync(id, ct) is { } channel ? channel : Problem.ChannelNotFound;

    /// <summary>Deletes a channel with its messages and members; no realtime event, as in the reference.</summary>
    public async Task<Outcome<Done>> DeleteAsync(AdminActor actor, Guid id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var (deleted, name) = await store.DeleteAsync(connection, tx, id, ct);
        if (!deleted)
        {
            return Problem.ChannelNotFound;
        }
        await audit.InsertAsync(connection, tx, actor, AuditActions.DeleteChannel, AuditActions.TargetChannel, id.ToString("D"), new { name }, time.GetUtcNow(), ct);
        await tx.CommitAsync(ct);
        return Outcome.Done;
    }

    /// <summary>Totals, with "active today" counted from 00:00 UTC.</summary>
    public Task<DashboardStats> StatsAsync(CancellationToken ct) => store.StatsAsync(StartOfUtcDay(time.GetUtcNow()), ct);

    /// <summary>One entry per UTC day for the last <paramref name="days"/> days, today included, oldest first.</summary>
    public async Task<Analytics> AnalyticsAsync(int days, CancellationToken ct)
    {
        var today = StartOfUtcDay(time.GetUtcNow());
        return new Analytics(await store.AnalyticsAsync(today.AddDays(-(days - 1)), today, ct));
    }

    private static DateTimeOffset StartOfUtcDay(DateTimeOffset now) => new(now.UtcDateTime.Date, TimeSpan.Zero);
}
