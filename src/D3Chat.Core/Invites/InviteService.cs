using System.Security.Cryptography;
using D3Chat.Core.Audit;
using D3Chat.Core.Http;
using Npgsql;

namespace D3Chat.Core.Invites;

/// <summary>Body of <c>POST /api/v1/admin/invites</c>: both limits optional.</summary>
public sealed record CreateInviteRequest(int? MaxUses, DateTimeOffset? ExpiresAt) : IValidatable
{
    public void Validate(Validator v)
    {
        if (MaxUses is < 1)
        {
            v.Fail("max_uses", "Input should be greater than or equal to 1", "greater_than_equal");
        }
    }
}

/// <summary>
/// Invite codes for <c>registration_mode = invite_only</c> (the reference has none, so its
/// invite-only mode is a closed mode). Admins create, list and revoke codes; each change is audited.
/// </summary>
public sealed class InviteService(NpgsqlDataSource dataSource, InviteStore invites, AuditLogStore audit, TimeProvider time)
{
    public async Task<Outcome<Invite>> CreateAsync(AdminActor actor, CreateInviteRequest request, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (request.ExpiresAt is { } expires && expires <= now)
        {
            return Problem.InviteExpiryInPast;
        }
        var candidate = new Invite
        {
            Code = NewCode(),
            CreatedBy = actor.UserId,
            MaxUses = request.MaxUses,
            ExpiresAt = request.ExpiresAt?.UtcDateTime,
            CreatedAt = now.UtcDateTime,
        };
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var invite = await invites.InsertAsync(connection, tx, candidate, ct);
        await audit.InsertAsync(connection, tx, actor, AuditActions.CreateInvite, AuditActions.TargetInvite, invite.Code,
            new { max_uses = invite.MaxUses, expires_at = invite.ExpiresAt }, now, ct);
        await tx.CommitAsync(ct);
        return invite;
    }

    public Task<IReadOnlyList<Invite>> ListAsync(CancellationToken ct) => invites.ListAsync(ct);

    public async Task<Outcome<Done>> RevokeAsync(AdminActor actor, string code, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (!await invites.DeleteAsync(connection, tx, code, ct))
        {
            return Problem.InviteNotFound;
        }
        await audit.InsertAsync(connection, tx, actor, AuditActions.RevokeInvite, AuditActions.TargetInvite, code, null, time.GetUtcNow(), ct);
        await tx.CommitAsync(ct);
        return Outcome.Done;
    }

    /// <summary>16 random bytes, URL-safe base64 without padding: unguessable and safe in a URL.</summary>
    private static string NewCode() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
