using Dapper;
using Npgsql;

namespace D3Chat.Core.Channels;

/// <summary>SQL of the <c>channels</c> and <c>channel_members</c> tables.</summary>
public sealed class ChannelStore(NpgsqlDataSource dataSource) : IChannelMembership
{
    private const string ChannelColumns = "c.id, c.name, c.is_dm, c.is_federated, c.encryption_type, c.created_by, c.created_at, c.is_public";
    private const string InsertChannelSql = """
        INSERT INTO channels (id, name, is_dm, is_federated, created_by, encryption_type, created_at, is_public)
        VALUES (@Id, @Name, @IsDm, false, @CreatedBy, @EncryptionType, @CreatedAt, @IsPublic)
        """;
    private const string InsertMemberSql = """
        INSERT INTO channel_members (channel_id, user_id, role, joined_at)
        VALUES (@ChannelId, @UserId, @Role, @JoinedAt)
        ON CONFLICT (channel_id, user_id) DO NOTHING
        """;
    private const string FindForUserSql = $"""
        SELECT {ChannelColumns}, m.role AS member_role
        FROM channels c LEFT JOIN channel_members m ON m.channel_id = c.id AND m.user_id = @UserId
        WHERE c.id = @Id
        """;
    // The send path's one read: the channel, the sender's role and whether the sending device (if
    // any) is the sender's, in one statement instead of two (issue 14).
    private const string FindForSenderSql = $"""
        SELECT {ChannelColumns}, m.role AS member_role,
            @DeviceId::uuid IS NULL OR EXISTS (SELECT 1 FROM devices d WHERE d.id = @DeviceId AND d.user_id = @UserId) AS device_is_senders
        FROM channels c LEFT JOIN channel_members m ON m.channel_id = c.id AND m.user_id = @UserId
        WHERE c.id = @Id
        """;
    // Who of @UserIds shares at least one channel with @CallerId (presence is visible only to them).
    private const string SharingAChannelSql = """
        SELECT DISTINCT other.user_id FROM channel_members mine
        JOIN channel_members other ON other.channel_id = mine.channel_id
        WHERE mine.user_id = @CallerId AND other.user_id = ANY(@UserIds)
        """;
    private const string IsMemberSql = "SELECT EXISTS (SELECT 1 FROM channel_members WHERE channel_id = @ChannelId AND user_id = @UserId)";
    private const string MembersAmongSql = "SELECT user_id FROM channel_members WHERE channel_id = @ChannelId AND user_id = ANY(@UserIds)";
    private const string ListForUserSql = $"""
        SELECT {ChannelColumns}, m.role AS member_role
        FROM channel_members m JOIN channels c ON c.id = m.channel_id
        WHERE m.user_id = @UserId
        ORDER BY c.created_at, c.id
        """;
    private const string UpdateSql = """
        UPDATE channels SET name = COALESCE(@Name, name), is_public = COALESCE(@IsPublic, is_public)
        WHERE id = @Id
        """;
    private const string DeleteSql = "DELETE FROM channels WHERE id = @Id";
    private const string ChannelIdsOfUserSql = "SELECT channel_id FROM channel_members WHERE user_id = @UserId ORDER BY channel_id";
    private const string MemberIdsSql = "SELECT user_id FROM channel_members WHERE channel_id = @ChannelId ORDER BY joined_at, user_id";
    private const string MembersSql = """
        SELECT u.id AS user_id, u.username, u.server_domain, COALESCE(u.is_local, true) AS is_local, m.role, m.joined_at,
               u.display_name, u.avatar_path
        FROM channel_members m JOIN users u ON u.id = m.user_id
        WHERE m.channel_id = @ChannelId AND (CAST(@UserId AS uuid) IS NULL OR m.user_id = @UserId)
        ORDER BY m.joined_at, u.id
        """;
    private const string RemoveMemberSql = "DELETE FROM channel_members WHERE channel_id = @ChannelId AND user_id = @UserId";
    private const string MarkFederatedSql = "UPDATE channels SET is_federated = true WHERE id = @Id AND is_federated IS DISTINCT FROM true";
    // Serialises DM creation for one pair of users, so two concurrent requests cannot both create a DM.
    private const string LockPairSql = "SELECT pg_advisory_xact_lock(hashtextextended(@Key, 0))";
    private const string FindDmSql = $"""
        SELECT {ChannelColumns}, a.role AS member_role
        FROM channels c
        JOIN channel_members a ON a.channel_id = c.id AND a.user_id = @A
        JOIN channel_members b ON b.channel_id = c.id AND b.user_id = @B
        WHERE c.is_dm AND (SELECT count(*) FROM channel_members x WHERE x.channel_id = c.id) = 2
        ORDER BY c.created_at, c.id
        LIMIT 1
        """;

    public Task InsertChannelAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Channel channel, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(InsertChannelSql, channel, transaction, cancellationToken: ct));

    /// <summary>Adds a member; false when the user already was one.</summary>
    public async Task<bool> AddMemberAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        Guid channelId, Guid userId, string role, DateTimeOffset joinedAt, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition(InsertMemberSql,
            new { ChannelId = channelId, UserId = userId, Role = role, JoinedAt = joinedAt }, transaction, cancellationToken: ct)) == 1;

    /// <summary>The channel with <paramref name="userId"/>'s role in <see cref="Channel.MemberRole"/> (null when not a member).</summary>
    public async Task<Channel?> FindForUserAsync(Guid id, Guid userId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Channel>(new CommandDefinition(FindForUserSql, new { Id = id, UserId = userId }, cancellationToken: ct));
    }

    /// <summary>
    /// As <see cref="FindForUserAsync(Guid, Guid, CancellationToken)"/> for a sender on the caller's connection, with
    /// whether <paramref name="deviceId"/> is one of the sender's devices (true when it is null).
    /// </summary>
    public async Task<(Channel Channel, bool DeviceIsSenders)?> FindForSenderAsync(
        NpgsqlConnection connection, Guid id, Guid userId, Guid? deviceId, CancellationToken ct)
    {
        var rows = await connection.QueryAsync<Channel, bool, (Channel, bool)>(
            new CommandDefinition(FindForSenderSql, new { Id = id, UserId = userId, DeviceId = deviceId }, cancellationToken: ct),
            (channel, deviceIsSenders) => (channel, deviceIsSenders), splitOn: "device_is_senders");
        return rows.Cast<(Channel, bool)?>().SingleOrDefault();
    }

    /// <summary>The users among <paramref name="userIds"/> who share a channel with <paramref name="callerId"/>.</summary>
    public async Task<IReadOnlySet<Guid>> SharingAChannelAsync(Guid callerId, IReadOnlyList<Guid> userIds, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<Guid>(new CommandDefinition(
            SharingAChannelSql, new { CallerId = callerId, UserIds = userIds.ToArray() }, cancellationToken: ct))).ToHashSet();
    }

    public async Task<IReadOnlySet<Guid>> MembersAmongAsync(Guid channelId, IReadOnlyCollection<Guid> userIds, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<Guid>(new CommandDefinition(
            MembersAmongSql, new { ChannelId = channelId, UserIds = userIds.ToArray() }, cancellationToken: ct))).ToHashSet();
    }

    public async Task<bool> IsMemberAsync(Guid channelId, Guid userId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await IsMemberAsync(connection, null, channelId, userId, ct);
    }

    public Task<bool> IsMemberAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid channelId, Guid userId, CancellationToken ct) =>
        connection.ExecuteScalarAsync<bool>(new CommandDefinition(IsMemberSql, new { ChannelId = channelId, UserId = userId }, transaction, cancellationToken: ct));

    /// <summary>Every channel the user belongs to (realtime group sync at negotiate).</summary>
    public async Task<IReadOnlyList<Guid>> ChannelIdsOfUserAsync(Guid userId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await ChannelIdsOfUserAsync(connection, null, userId, ct);
    }

    public async Task<IReadOnlyList<Channel>> ListForUserAsync(Guid userId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<Channel>(new CommandDefinition(ListForUserSql, new { UserId = userId }, cancellationToken: ct))).ToList();
    }

    public async Task UpdateAsync(Guid id, string? name, bool? isPublic, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(UpdateSql, new { Id = id, Name = name, IsPublic = isPublic }, cancellationToken: ct));
    }

    public Task DeleteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(DeleteSql, new { Id = id }, transaction, cancellationToken: ct));

    public async Task<IReadOnlyList<Guid>> ChannelIdsOfUserAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid userId, CancellationToken ct) =>
        (await connection.QueryAsync<Guid>(new CommandDefinition(ChannelIdsOfUserSql, new { UserId = userId }, transaction, cancellationToken: ct))).ToList();

    public async Task<IReadOnlyList<Guid>> MemberIdsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid channelId, CancellationToken ct) =>
        (await connection.QueryAsync<Guid>(new CommandDefinition(MemberIdsSql, new { ChannelId = channelId }, transaction, cancellationToken: ct))).ToList();

    /// <summary>Members with their profiles; only <paramref name="userId"/> when given.</summary>
    internal async Task<IReadOnlyList<ChannelMemberRow>> MembersAsync(Guid channelId, Guid? userId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<ChannelMemberRow>(new CommandDefinition(MembersSql, new { ChannelId = channelId, UserId = userId }, cancellationToken: ct))).ToList();
    }

    /// <summary>Removes a membership; false when there was none.</summary>
    public async Task<bool> RemoveMemberAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid channelId, Guid userId, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition(RemoveMemberSql, new { ChannelId = channelId, UserId = userId }, transaction, cancellationToken: ct)) == 1;

    public Task MarkFederatedAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid id, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(MarkFederatedSql, new { Id = id }, transaction, cancellationToken: ct));

    public async Task MarkFederatedAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await MarkFederatedAsync(connection, null, id, ct);
    }

    /// <summary>Takes the pair lock, then finds the DM whose members are exactly the two users.</summary>
    public async Task<Channel?> LockAndFindDmAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid a, Guid b, CancellationToken ct)
    {
        var key = a.CompareTo(b) < 0 ? $"dm:{a:D}:{b:D}" : $"dm:{b:D}:{a:D}";
        await connection.ExecuteAsync(new CommandDefinition(LockPairSql, new { Key = key }, transaction, cancellationToken: ct));
        return await connection.QuerySingleOrDefaultAsync<Channel>(new CommandDefinition(FindDmSql, new { A = a, B = b }, transaction, cancellationToken: ct));
    }
}
