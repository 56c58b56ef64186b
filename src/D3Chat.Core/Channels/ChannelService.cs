using D3Chat.Core.Realtime;
using D3Chat.Core.Data;
using D3Chat.Core.Auth;
using D3Chat.Core.Http;
using D3Chat.Core.Keys;
using D3Chat.Core.Outbox;
using D3Chat.Core.Queue;
using D3Chat.Core.Users;
using Npgsql;

namespace D3Chat.Core.Channels;

/// <summary>
/// Spec api.md §6 with departure 2: membership is enforced everywhere, private groups and DMs are
/// not joinable. Every membership change writes an outbox event in the same transaction, so fanout
/// keeps SignalR groups in step (see <see cref="ChannelEvent.Membership"/>).
/// </summary>
public sealed class ChannelService(
    ChannelStore channels,
    UserStore users,
    SenderKeyStore senderKeys,
    OutboxUnitOfWork unitOfWork,
    TimeProvider time)
{
    public async Task<Outcome<ChannelResponse>> CreateAsync(CurrentUser caller, CreateChannelRequest request, CancellationToken ct)
    {
        var now = DbTime.DbPrecision(time.GetUtcNow());
        var channel = new Channel
        {
            Id = Guid.NewGuid(),
            Name = request.Name,
            IsDm = request.IsDm,
            EncryptionType = request.EncryptionType ?? "sender_keys",
            CreatedBy = caller.Id,
            CreatedAt = now.UtcDateTime,
            IsPublic = request.IsPublic && !request.IsDm,
        };
        var response = channel.ToResponse();
        var created = EventFactory.Create(EventFactory.RoutingTypes.ChannelCreated, new { type = EventFactory.RoutingTypes.ChannelCreated, channel = response },
            now, membership: new MembershipChange { ChannelId = channel.Id, Joined = [caller.Id] });
        await unitOfWork.RunAsync(async unit =>
        {
            await channels.InsertChannelAsync(unit.Connection, unit.Transaction, channel, ct);
            await channels.AddMemberAsync(unit.Connection, unit.Transaction, channel.Id, caller.Id, ChannelRoles.Owner, now, ct);
            unit.Add(created);
        }, ct);
        return response;
    }

    public async Task<IReadOnlyList<ChannelResponse>> ListAsync(CurrentUser caller, CancellationToken ct) =>
        (await channels.ListForUserAsync(caller.Id, ct)).Select(c => c.ToResponse()).ToList();

    public async Task<Outcome<ChannelResponse>> GetAsync(CurrentUser caller, Guid id, CancellationToken ct)
    {
        var (channel, problem) = await RequireMemberAsync(caller, id, null, ct);
        return problem is not null ? problem : channel!.ToResponse();
    }

    public async Task<Outcome<ChannelResponse>> UpdateAsync(CurrentUser caller, Guid id, UpdateChannelRequest request, CancellationToken ct)
    {
        var (channel, problem) = await RequireMemberAsync(caller, id, null, ct);
        if (problem is not null)
        {
            return problem;
        }
        // Only a change of visibility needs the owner: a member renaming may send the current is_public along.
        if (request.IsPublic is { } isPublic && isPublic != channel!.IsPublic && channel.MemberRole != ChannelRoles.Owner)
        {
            return Problem.ChannelOwnerRequired;
        }
        if (request.IsPublic == true && channel!.IsDm)
        {
            return Problem.DmCannotBePublic;
        }
        await channels.UpdateAsync(id, request.Name, request.IsPublic, ct);
        var updated = channel! with { Name = request.Name ?? channel.Name, IsPublic = request.IsPublic ?? channel.IsPublic };
        return updated.ToResponse();
    }

    public async Task<Outcome<bool>> DeleteAsync(CurrentUser caller, Guid id, CancellationToken ct)
    {
        var (_, problem) = await RequireMemberAsync(caller, id, ChannelRoles.Owner, ct);
        if (problem is not null)
        {
            return problem;
        }
        var now = time.GetUtcNow();
        await unitOfWork.RunAsync(async unit =>
        {
            var members = await channels.MemberIdsAsync(unit.Connection, unit.Transaction, id, ct);
            await channels.DeleteAsync(unit.Connection, unit.Transaction, id, ct);
            unit.Add(EventFactory.Create(EventFactory.RoutingTypes.ChannelDelete,
                new { type = EventFactory.RoutingTypes.ChannelDelete, channel_id = id }, now,
                membership: new MembershipChange { ChannelId = id, Left = members }));
        }, ct);
        return true;
    }

    public async Task<Outcome<bool>> JoinAsync(CurrentUser caller, Guid id, CancellationToken ct)
    {
        var channel = await channels.FindForUserAsync(id, caller.Id, ct);
        if (channel is null)
        {
            return Problem.ChannelNotFound;
        }
        if (channel.MemberRole is not null)
        {
            return true;
        }
        if (channel.IsDm)
        {
            return Problem.DmNotJoinable;
        }
        if (!channel.IsPublic)
        {
            return Problem.PrivateChannelNotJoinable;
        }
        var now = DbTime.DbPrecision(time.GetUtcNow());
        var joined = EventFactory.Create(EventFactory.RoutingTypes.ChannelJoin,
            new { type = EventFactory.RoutingTypes.ChannelJoin, channel_id = id, user_id = caller.Id }, now,
            membership: new MembershipChange { ChannelId = id, Joined = [caller.Id] });
        await unitOfWork.RunAsync(async unit =>
        {
            if (await channels.AddMemberAsync(unit.Connection, unit.Transaction, id, caller.Id, ChannelRoles.Member, now, ct))
            {
                unit.Add(joined);
            }
        }, ct);
        return true;
    }

    /// <summary>Always succeeds (spec). Also drops the sender-key envelopes to and from the leaver's devices.</summary>
    public async Task LeaveAsync(CurrentUser caller, Guid id, CancellationToken ct)
    {
        var left = EventFactory.Create(EventFactory.RoutingTypes.ChannelLeave,
            new { type = EventFactory.RoutingTypes.ChannelLeave, channel_id = id, user_id = caller.Id }, time.GetUtcNow(),
            membership: new MembershipChange { ChannelId = id, Left = [caller.Id] });
        await unitOfWork.RunAsync(async unit =>
        {
            if (await channels.RemoveMemberAsync(unit.Connection, unit.Transaction, id, caller.Id, ct))
            {
                await senderKeys.RemoveForUserAsync(unit.Connection, unit.Transaction, id, caller.Id, ct);
                unit.Add(left);
            }
        }, ct);
    }

    public async Task<Outcome<IReadOnlyList<ChannelMemberResponse>>> MembersAsync(CurrentUser caller, Guid id, CancellationToken ct)
    {
        var (_, problem) = await RequireMemberAsync(caller, id, null, ct);
        if (problem is not null)
        {
            return problem;
        }
        return (await channels.MembersAsync(id, null, ct)).Select(m => m.ToResponse()).ToList();
    }

    public async Task<Outcome<ChannelMemberResponse>> AddMemberAsync(CurrentUser caller, Guid id, Guid userId, CancellationToken ct)
    {
        var (channel, problem) = await RequireMemberAsync(caller, id, null, ct);
        if (problem is not null)
        {
            return problem;
        }
        if (channel!.IsDm)
        {
            return Problem.DmMembersFixed;
        }
        var target = await users.FindByIdAsync(userId, ct);
        if (target is null)
        {
            return Problem.UserNotFound;
        }
        var now = DbTime.DbPrecision(time.GetUtcNow());
        var federated = channel.IsFederated || !target.IsLocal;
        var channelNew = RealtimeEvents.ChannelNew((channel with { IsFederated = federated }).ToResponse(), [userId],
            new MembershipChange { ChannelId = id, Joined = [userId] }, now);
        var added = await unitOfWork.RunAsync(async unit =>
        {
            if (!await channels.AddMemberAsync(unit.Connection, unit.Transaction, id, userId, ChannelRoles.Member, now, ct))
            {
                return false;
            }
            if (!target.IsLocal)
            {
                await channels.MarkFederatedAsync(unit.Connection, unit.Transaction, id, ct);
            }
            unit.Add(channelNew);
            return true;
        }, ct);
        if (!added)
        {
            return Problem.AlreadyChannelMember;
        }
        return (await channels.MembersAsync(id, userId, ct)).Single().ToResponse();
    }

    public async Task<Outcome<ChannelResponse>> CreateDmAsync(CurrentUser caller, Guid userId, CancellationToken ct)
    {
        if (userId == caller.Id)
        {
            return Problem.DmWithSelf;
        }
        if (await users.FindByIdAsync(userId, ct) is null)
        {
            return Problem.UserNotFound;
        }
        var now = DbTime.DbPrecision(time.GetUtcNow());
        var channel = new Channel
        {
            Id = Guid.NewGuid(),
            IsDm = true,
            EncryptionType = "x3dh",
            CreatedBy = caller.Id,
            CreatedAt = now.UtcDateTime,
            IsPublic = false,
        };
        var channelNew = RealtimeEvents.ChannelNew(channel.ToResponse(), [userId, caller.Id],
            new MembershipChange { ChannelId = channel.Id, Joined = [caller.Id, userId] }, now);
        return await unitOfWork.RunAsync(async unit =>
        {
            if (await channels.LockAndFindDmAsync(unit.Connection, unit.Transaction, caller.Id, userId, ct) is { } existing)
            {
                return existing.ToResponse();
            }
            await channels.InsertChannelAsync(unit.Connection, unit.Transaction, channel, ct);
            await channels.AddMemberAsync(unit.Connection, unit.Transaction, channel.Id, caller.Id, ChannelRoles.Member, now, ct);
            await channels.AddMemberAsync(unit.Connection, unit.Transaction, channel.Id, userId, ChannelRoles.Member, now, ct);
            unit.Add(channelNew);
            return channel.ToResponse();
        }, ct);
    }

    /// <summary>
    /// The spec's membership helper: 404 when the channel is missing, 403 when the caller is not a
    /// member or lacks <paramref name="role"/>.
    /// </summary>
    public async Task<Outcome<Channel>> RequireMemberAsync(CurrentUser caller, Guid id, string? role, CancellationToken ct)
    {
        var channel = await channels.FindForUserAsync(id, caller.Id, ct);
        if (channel is null)
        {
            return Problem.ChannelNotFound;
        }
        if (channel.MemberRole is null)
        {
            return Problem.NotChannelMember;
        }
        if (role is not null && channel.MemberRole != role)
        {
            return Problem.ChannelOwnerRequired;
        }
        return channel;
    }
}
