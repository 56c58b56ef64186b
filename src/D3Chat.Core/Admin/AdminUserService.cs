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
    AuthStateCache authStates, AvatarStorage avatarStorage, UserStore users, OutboxStore outbox, OutboxPublisher publisher, TimeProvider time)
{
    public Task<AdminUserPage> ListAsync(AdminUserFilter filter, CancellationToken ct) => store.ListAsync(filter, ct);

    public async Task<Outcome<AdminUserDetail>> GetAsync(Guid id, CancellationToken ct) =>
        await store.GetAsync(id, ct) is { } user ? user : Problem.UserNotFound;

    /// <summary>
    /// Bans the target, deletes all its sessions (so no refresh token works any more), ends its access
    /// tokens and, through the outbox, removes it from every realtime group (so open connections receive nothing more).
    /// </summary>
    public async Task<Outcome<AdminUser>> BanAsync(CurrentUser caller, AdminActor actor, Guid id, BanRequest request, CancellationToken ct)
    {
        var revoked = RealtimeRevocation(id);
        var outcome = await MutateAsync(actor, id, ct,
            (locked, now) => locked.Target!.Id == caller.Id ? Problem.CannotBanSelf
                : Roles.IsAdmin(locked.Target.Role) && !locked.ActorIsSuperadmin(now) ? Problem.OnlySuperadminsBanAdmins
                : KeepsASuperadmin(locked, now),
            async (c, tx, target, now) =>
            {
                var banned = await store.BanAsync(c, tx, id, request.Reason, now, ct);
                await sessions.DeleteAllForUserAsync(c, tx, id, ct);
                await users.EndAccessTokensAsync(c, tx, id, now, ct);
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
        MutateAsync(actor, id, ct,
            (locked, now) => Roles.IsAdmin(locked.Target!.Role) && !locked.ActorIsSuperadmin(now) ? Problem.OnlySuperadminsUnbanAdmins : null,
            async (c, tx, _, now) => (await store.UnbanAsync(c, tx, id, now, ct), AuditActions.UnbanUser, (object?)null));

    public async Task<Outcome<AdminUser>> SuspendAsync(CurrentUser caller, AdminActor actor, Guid id, SuspendRequest request, CancellationToken ct)
    {
        var revoked = RealtimeRevocation(id);
        var outcome = await MutateAsync(actor, id, ct,
            (locked, now) => locked.Target!.Id == caller.Id ? Problem.CannotSuspendSelf
                : Roles.IsAdmin(locked.Target.Role) && !locked.ActorIsSuperadmin(now) ? Problem.OnlySuperadminsSuspendAdmins
                : KeepsASuperadmin(locked, now),
            async (c, tx, _, now) =>
            {
                var suspended = await store.SuspendAsync(c, tx, id, now.AddHours(request.Hours!.Value), now, ct);
                await users.EndAccessTokensAsync(c, tx, id, now, ct);
                await outbox.AddAsync(c, tx, revoked, ct);
                return (suspended, AuditActions.SuspendUser, (object?)new { hours = request.Hours, reason = request.Reason });
            });
        if (outcome.Problem is null)
        {
            await publisher.PublishAsync([revoked], ct);
        }
        return outcome;
    }

    public Task<Outcome<AdminUser>> UnsuspendAsync(AdminActor actor, Guid id, CancellationToken ct) =>
        MutateAsync(actor, id, ct,
            (locked, now) => Roles.IsAdmin(locked.Target!.Role) && !locked.ActorIsSuperadmin(now) ? Problem.OnlySuperadminsUnsuspendAdmins : null,
            async (c, tx, _, now) => (await store.UnsuspendAsync(c, tx, id, now, ct), AuditActions.UnsuspendUser, (object?)null));

    /// <summary>Sets the target's server role (superadmin only, re-checked under the lock).</summary>
    public Task<Outcome<AdminUser>> PromoteAsync(CurrentUser caller, AdminActor actor, Guid id, PromoteRequest request, CancellationToken ct) =>
        MutateAsync(actor, id, ct,
            (locked, now) => !locked.ActorIsSuperadmin(now) ? Problem.SuperadminRequired
                : locked.Target!.Id == caller.Id ? Problem.CannotChangeOwnRole
                : request.Role != Roles.Superadmin ? KeepsASuperadmin(locked, now)
                : null,
            async (c, tx, target, now) => (
                await store.SetRoleAsync(c, tx, id, request.Role!, now, ct),
                AuditActions.PromoteUser,
                (object?)new { old_role = target.Role, new_role = request.Role }));

    /// <summary>
    /// Deletes a user (superadmin only). Always possible for anyone but a superadmin or oneself
    /// (rules in docs/security.md): the devices, sessions, memberships, keys and envelopes go with
    /// the user; channels they created (DMs too) stay for the other members with no creator; messages
    /// and attachments stay with a null sender; audit rows
    /// keep the id and name. The username is retired, so nobody can register it again.
    /// </summary>
    public async Task<Outcome<Done>> DeleteAsync(CurrentUser caller, AdminActor actor, Guid id, CancellationToken ct)
    {
        string? avatar;
        var revoked = RealtimeRevocation(id);
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            var now = time.GetUtcNow();
            var locked = await store.LockAsync(connection, tx, actor.UserId, id, ct);
            if (!locked.ActorIsSuperadmin(now))
            {
                return Problem.SuperadminRequired;
            }
            if (locked.Target is not { } target)
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
            await audit.InsertAsync(connection, tx, actor, AuditActions.DeleteUser, AuditActions.TargetUser, id.ToString("D"),
                new { username = target.Username }, now, ct);
            await outbox.AddAsync(connection, tx, revoked, ct);
            avatar = await store.DeleteAsync(connection, tx, target, now, ct);
            await tx.CommitAsync(ct);
        }
        await authStates.InvalidateAsync(id);
        await publisher.PublishAsync([revoked], ct);
        if (avatar is not null)
        {
            await avatarStorage.DeleteAsync(avatar, ct);
        }
        return Outcome.Done;
    }

    /// <summary>409 when the change would leave no usable superadmin (the target is one, and the only one).</summary>
    private static Problem? KeepsASuperadmin(ModerationLock locked, DateTimeOffset now) =>
        locked.Target is { Role: Roles.Superadmin } target && target.IsUsable(now) && locked.OtherUsableSuperadmins(now) == 0
            ? Problem.LastSuperadmin : null;

    private ChannelEvent RealtimeRevocation(Guid userId) => EventFactory.UserRevoked(userId, time.GetUtcNow());

    private async Task<Outcome<AdminUser>> MutateAsync(
        AdminActor actor, Guid id, CancellationToken ct,
        Func<ModerationLock, DateTimeOffset, Problem?> rules,
        Func<NpgsqlConnection, NpgsqlTransaction, LockedUser, DateTimeOffset, Task<(AdminUser User, string Action, object? Details)>> change)
    {
        AdminUser changed;
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            var now = time.GetUtcNow();
            var locked = await store.LockAsync(connection, tx, actor.UserId, id, ct);
            // The gate's role is up to 30 s old; the decision uses the locked row.
            if (!locked.ActorIsAdmin(now))
            {
                return Problem.AdminRequired;
            }
            if (locked.Target is not { } target)
            {
                return Problem.UserNotFound;
            }
            if (rules(locked, now) is { } refused)
            {
                return refused;
            }
            var (user, action, details) = await change(connection, tx, target, now);
            await audit.InsertAsync(connection, tx, actor, action, AuditActions.TargetUser, id.ToString("D"), details, now, ct);
            await tx.CommitAsync(ct);
            changed = user;
        }
        await authStates.InvalidateAsync(id);
        return changed;
    }
}
