using D3Chat.Core.Audit;
using D3Chat.Core.Auth;
using D3Chat.Core.Avatars;
using D3Chat.Core.Channels;
using D3Chat.Core.Http;
using D3Chat.Core.Outbox;
using D3Chat.Core.Queue;
using D3Chat.Core.Users;
using Npgsql;

namespace D3Chat.Core.Admin;

/// <summary>
/// Moderation of users (spec api.md §10). Each mutation locks the target, applies the role and
/// self-action rules, changes the row and writes its audit row in one transaction; after commit it
/// drops the target's cached auth state so the change reaches the target's very next request.
/// </summary>
public sealed class AdminUserService(
    NpgsqlDataSource dataSource, AdminUserStore store, SessionStore sessions, AuditLogStore audit,
    AuthStateCache authStates, AvatarStorage avatarStorage, OutboxStore outbox, OutboxPublisher publisher, TimeProvider time)
{
    private const string ForeignKeyViolation = "23503";

    public Task<AdminUserPage> ListAsync(AdminUserFilter filter, CancellationToken ct) => store.ListAsync(filter, ct);

    public async Task<Outcome<AdminUserDetail>> GetAsync(Guid id, CancellationToken ct) =>
        await store.GetAsync(id, ct) is { } user ? user : Problem.UserNotFound;

    /// <summary>
    /// Bans the target, deletes all its sessions (so no refresh token works any more) and, through
    /// the outbox, removes it from every realtime group (so open connections receive nothing more).
    /// </summary>
    public async Task<Outcome<AdminUser>> BanAsync(CurrentUser caller, AdminActor actor, Guid id, BanRequest request, CancellationToken ct)
    {
        var revoked = RealtimeRevocation(id);
        var outcome = await MutateAsync(actor, id, ct,
            target => target.Id == caller.Id ? Problem.CannotBanSelf
                : Roles.IsAdmin(target.Role) && !caller.IsSuperadmin ? Problem.OnlySuperadminsBanAdmins
                : null,
            async (c, tx, target, now) =>
            {
                var banned = await store.BanAsync(c, tx, id, request.Reason, now, ct);
                await sessions.DeleteAllForUserAsync(c, tx, id, ct);
                await outbox.AddAsync(c, tx, revoked, ct);
                return (banned, AuditActions.BanUser, new { reason = request.Reason });
            });
        if (outcome.Problem is null)
        {
            await publisher.PublishAsync([revoked], ct);
        }
        return outcome;
    }

    public Task<Outcome<AdminUser>> UnbanAsync(AdminActor actor, Guid id, CancellationToken ct) =>
        MutateAsync(actor, id, ct, _ => null,
            async (c, tx, _, now) => (await store.UnbanAsync(c, tx, id, now, ct), AuditActions.UnbanUser, (object?)null));

    public Task<Outcome<AdminUser>> SuspendAsync(CurrentUser caller, AdminActor actor, Guid id, SuspendRequest request, CancellationToken ct) =>
        MutateAsync(actor, id, ct,
            target => target.Id == caller.Id ? Problem.CannotSuspendSelf
                : Roles.IsAdmin(target.Role) && !caller.IsSuperadmin ? Problem.OnlySuperadminsSuspendAdmins
                : null,
            async (c, tx, _, now) => (
                await store.SuspendAsync(c, tx, id, now.AddHours(request.Hours!.Value), now, ct),
                AuditActions.SuspendUser,
                (object?)new { hours = request.Hours, reason = request.Reason }));

    public Task<Outcome<AdminUser>> UnsuspendAsync(AdminActor actor, Guid id, CancellationToken ct) =>
        MutateAsync(actor, id, ct, _ => null,
            async (c, tx, _, now) => (await store.UnsuspendAsync(c, tx, id, now, ct), AuditActions.UnsuspendUser, (object?)null));

    /// <summary>Sets the target's server role (superadmin only; the function checks that).</summary>
    public Task<Outcome<AdminUser>> PromoteAsync(CurrentUser caller, AdminActor actor, Guid id, PromoteRequest request, CancellationToken ct) =>
        MutateAsync(actor, id, ct,
            target => target.Id == caller.Id ? Problem.CannotChangeOwnRole : null,
            async (c, tx, target, now) => (
                await store.SetRoleAsync(c, tx, id, request.Role!, now, ct),
                AuditActions.PromoteUser,
                (object?)new { old_role = target.Role, new_role = request.Role }));

    /// <summary>
    /// Deletes a user (superadmin only). Where the reference fails with a 500 on a foreign key
    /// (the user created channels or wrote audit rows), this answers 409 and changes nothing.
    /// </summary>
    public async Task<Outcome<Done>> DeleteAsync(CurrentUser caller, AdminActor actor, Guid id, CancellationToken ct)
    {
        string? avatar;
        var revoked = RealtimeRevocation(id);
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            var target = await store.LockAsync(connection, tx, id, ct);
            if (target is null)
            {
                return Problem.UserNotFound;
            }
            if (target.Id == caller.Id)
            {
                return Problem.CannotDeleteSelf;
            }
            if (target.Role == Roles.Superadmin)
            {
                return Problem.CannotDeleteSuperadmin;
            }
            var blockers = await store.BlockersAsync(connection, tx, id, ct);
            if (blockers.OwnsChannels)
            {
                return Problem.UserOwnsChannels;
            }
            if (blockers.HasAuditRows)
            {
                return Problem.UserInAuditLog;
            }
            await audit.InsertAsync(connection, tx, actor, AuditActions.DeleteUser, AuditActions.TargetUser, id.ToString("D"),
                new { username = target.Username }, time.GetUtcNow(), ct);
            await outbox.AddAsync(connection, tx, revoked, ct);
            try
            {
                avatar = await store.DeleteAsync(connection, tx, id, ct);
                await tx.CommitAsync(ct);
            }
            catch (PostgresException ex) when (ex.SqlState == ForeignKeyViolation)
            {
                // Something created after the checks above (or a table added later) still points at the user.
                return Problem.UserStillReferenced;
            }
        }
        await authStates.InvalidateAsync(id);
        await publisher.PublishAsync([revoked], ct);
        if (avatar is not null)
        {
            await avatarStorage.DeleteAsync(avatar, ct);
        }
        return Outcome.Done;
    }

    /// <summary>A routing-only event that makes fanout remove the user from every SignalR group.</summary>
    private ChannelEvent RealtimeRevocation(Guid userId) =>
        EventFactory.Create(EventFactory.RoutingTypes.UserRevoked, new { type = EventFactory.RoutingTypes.UserRevoked, user_id = userId },
            time.GetUtcNow(), membership: new MembershipChange { ChannelId = null, Left = [userId] });

    private async Task<Outcome<AdminUser>> MutateAsync(
        AdminActor actor, Guid id, CancellationToken ct,
        Func<LockedUser, Problem?> rules,
        Func<NpgsqlConnection, NpgsqlTransaction, LockedUser, DateTimeOffset, Task<(AdminUser User, string Action, object? Details)>> change)
    {
        AdminUser changed;
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            var target = await store.LockAsync(connection, tx, id, ct);
            if (target is null)
            {
                return Problem.UserNotFound;
            }
            if (rules(target) is { } refused)
            {
                return refused;
            }
            var now = time.GetUtcNow();
            var (user, action, details) = await change(connection, tx, target, now);
            await audit.InsertAsync(connection, tx, actor, action, AuditActions.TargetUser, id.ToString("D"), details, now, ct);
            await tx.CommitAsync(ct);
            changed = user;
        }
        await authStates.InvalidateAsync(id);
        return changed;
    }
}
