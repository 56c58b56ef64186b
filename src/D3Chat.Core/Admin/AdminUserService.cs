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
    AdminUserStore store, SessionStore sessions, AuditLogStore audit,
    AuthStateCache authStates, AvatarStorage avatarStorage, UserStore users, OutboxUnitOfWork unitOfWork, TimeProvider time)
{
    public Task<AdminUserPage> ListAsync(AdminUserFilter filter, CancellationToken ct) => store.ListAsync(filter, ct);

    public async Task<Outcome<AdminUserDetail>> GetAsync(Guid id, CancellationToken ct) =>
        await store.GetAsync(id, ct) is { } user ? user : Problem.UserNotFound;

    /// <summary>
    /// Bans the target, deletes all its sessions (so no refresh token works any more), ends its access
    /// tokens and, through the outbox, removes it from every realtime group (so open connections receive nothing more).
    /// </summary>
    public Task<Outcome<AdminUser>> BanAsync(CurrentUser caller, AdminActor actor, Guid id, BanRequest request, CancellationToken ct) =>
        MutateAsync(actor, id, ct,
            (locked, now) => locked.Target!.Id == caller.Id ? Problem.CannotBanSelf
                : Roles.IsAdmin(locked.Target.Role) && !locked.ActorIsSuperadmin(now) ? Problem.OnlySuperadminsBanAdmins
                : KeepsASuperadmin(locked, now),
            async (unit, target, now) =>
            {
                var banned = await store.BanAsync(unit.Connection, unit.Transaction, id, request.Reason, now, ct);
                await sessions.DeleteAllForUserAsync(unit.Connection, unit.Transaction, id, ct);
                await users.EndAccessTokensAsync(unit.Connection, unit.Transaction, id, now, ct);
                unit.Add(RealtimeRevocation(id));
                return (banned, AuditActions.BanUser, new { reason = request.Reason });
            });

    public Task<Outcome<AdminUser>> UnbanAsync(AdminActor actor, Guid id, CancellationToken ct) =>
        MutateAsync(actor, id, ct,
            (locked, now) => Roles.IsAdmin(locked.Target!.Role) && !locked.ActorIsSuperadmin(now) ? Problem.OnlySuperadminsUnbanAdmins : null,
            async (unit, _, now) => (await store.UnbanAsync(unit.Connection, unit.Transaction, id, now, ct), AuditActions.UnbanUser, (object?)null));

    public Task<Outcome<AdminUser>> SuspendAsync(CurrentUser caller, AdminActor actor, Guid id, SuspendRequest request, CancellationToken ct) =>
        MutateAsync(actor, id, ct,
            (locked, now) => locked.Target!.Id == caller.Id ? Problem.CannotSuspendSelf
                : Roles.IsAdmin(locked.Target.Role) && !locked.ActorIsSuperadmin(now) ? Problem.OnlySuperadminsSuspendAdmins
                : KeepsASuperadmin(locked, now),
            async (unit, _, now) =>
            {
                var suspended = await store.SuspendAsync(unit.Connection, unit.Transaction, id, now.AddHours(request.Hours!.Value), now, ct);
                await users.EndAccessTokensAsync(unit.Connection, unit.Transaction, id, now, ct);
                unit.Add(RealtimeRevocation(id));
                return (suspended, AuditActions.SuspendUser, (object?)new { hours = request.Hours, reason = request.Reason });
            });

    public Task<Outcome<AdminUser>> UnsuspendAsync(AdminActor actor, Guid id, CancellationToken ct) =>
        MutateAsync(actor, id, ct,
            (locked, now) => Roles.IsAdmin(locked.Target!.Role) && !locked.ActorIsSuperadmin(now) ? Problem.OnlySuperadminsUnsuspendAdmins : null,
            async (unit, _, now) => (await store.UnsuspendAsync(unit.Connection, unit.Transaction, id, now, ct), AuditActions.UnsuspendUser, (object?)null));

    /// <summary>Sets the target's server role (superadmin only, re-checked under the lock).</summary>
    public Task<Outcome<AdminUser>> PromoteAsync(CurrentUser caller, AdminActor actor, Guid id, PromoteRequest request, CancellationToken ct) =>
        MutateAsync(actor, id, ct,
            (locked, now) => !locked.ActorIsSuperadmin(now) ? Problem.SuperadminRequired
                : locked.Target!.Id == caller.Id ? Problem.CannotChangeOwnRole
                : request.Role != Roles.Superadmin ? KeepsASuperadmin(locked, now)
                : null,
            async (unit, target, now) => (
                await store.SetRoleAsync(unit.Connection, unit.Transaction, id, request.Role!, now, ct),
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
        var now = time.GetUtcNow();
        var (avatar, refused) = await unitOfWork.RunAsync<(string? Avatar, Problem? Refused)>(async unit =>
        {
            var locked = await store.LockAsync(unit.Connection, unit.Transaction, actor.UserId, id, ct);
            if (DeleteRefusal(locked, caller, now) is { } refusal)
            {
                return (null, refusal);
            }
            var target = locked.Target!;
            await audit.InsertAsync(unit.Connection, unit.Transaction, actor, AuditActions.DeleteUser, AuditActions.TargetUser, id.ToString("D"),
                new { username = target.Username }, now, ct);
            unit.Add(RealtimeRevocation(id));
            unit.AfterCommit(() => authStates.InvalidateAsync(id));
            return (await store.DeleteAsync(unit.Connection, unit.Transaction, target, now, ct), null);
        }, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (avatar is not null)
        {
            await avatarStorage.DeleteAsync(avatar, ct);
        }
        return Outcome.Done;
    }

    private static Problem? DeleteRefusal(ModerationLock locked, CurrentUser caller, DateTimeOffset now) =>
        !locked.ActorIsSuperadmin(now) ? Problem.SuperadminRequired
        : locked.Target is not { } target ? Problem.UserNotFound
        : target.Id == caller.Id ? Problem.CannotDeleteSelf
        : target.Role == Roles.Superadmin ? Problem.CannotDeleteSuperadmin
        : null;

    /// <summary>409 when the change would leave no usable superadmin (the target is one, and the only one).</summary>
    private static Problem? KeepsASuperadmin(ModerationLock locked, DateTimeOffset now) =>
        locked.Target is { Role: Roles.Superadmin } target && target.IsUsable(now) && locked.OtherUsableSuperadmins(now) == 0
            ? Problem.LastSuperadmin : null;

    private ChannelEvent RealtimeRevocation(Guid userId) => EventFactory.UserRevoked(userId, time.GetUtcNow());

    private async Task<Outcome<AdminUser>> MutateAsync(
        AdminActor actor, Guid id, CancellationToken ct,
        Func<ModerationLock, DateTimeOffset, Problem?> rules,
        Func<OutboxTransaction, LockedUser, DateTimeOffset, Task<(AdminUser User, string Action, object? Details)>> change) =>
        await unitOfWork.RunAsync<Outcome<AdminUser>>(async unit =>
        {
            var now = time.GetUtcNow();
            var locked = await store.LockAsync(unit.Connection, unit.Transaction, actor.UserId, id, ct);
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
            var (user, action, details) = await change(unit, target, now);
            await audit.InsertAsync(unit.Connection, unit.Transaction, actor, action, AuditActions.TargetUser, id.ToString("D"), details, now, ct);
            unit.AfterCommit(() => authStates.InvalidateAsync(id));
            return user;
        }, ct);
}
