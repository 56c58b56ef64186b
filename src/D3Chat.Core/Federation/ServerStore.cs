using Dapper;
using Npgsql;

namespace D3Chat.Core.Federation;

/// <summary>A <c>servers</c> row: a known peer, or this server itself.</summary>
public sealed record PeerServer(string Domain, string SigningKeyPublic, string ApiBaseUrl, int ProtocolVersion);

/// <summary>The <c>servers</c> rows discovery reads and writes; an interface so discovery is unit-testable without a database.</summary>
public interface IPeerServerStore
{
    /// <summary>Inserts or refreshes a server row (verified = true).</summary>
    Task UpsertAsync(PeerServer server, bool isLocal, DateTimeOffset now, CancellationToken ct);

    /// <summary>The row of <paramref name="domain"/> when it has a signing key (trust on first use, spec §2.2).</summary>
    Task<PeerServer?> FindAsync(string domain, CancellationToken ct);
}

/// <summary>SQL of the <c>servers</c> table.</summary>
internal sealed class ServerStore(NpgsqlDataSource dataSource) : IPeerServerStore
{
    private const string UpsertSql = """
        INSERT INTO servers (id, domain, signing_key_public, api_base_url, is_local, verified, protocol_version, created_at)
        VALUES (@Id, @Domain, @SigningKeyPublic, @ApiBaseUrl, @IsLocal, true, @ProtocolVersion, @Now)
        ON CONFLICT (domain) DO UPDATE SET
            signing_key_public = EXCLUDED.signing_key_public, api_base_url = EXCLUDED.api_base_url,
            is_local = EXCLUDED.is_local, verified = true, protocol_version = EXCLUDED.protocol_version
        """;
    private const string FindSql = """
        SELECT domain, signing_key_public AS signingkeypublic, COALESCE(api_base_url, 'http://' || domain) AS apibaseurl,
               COALESCE(protocol_version, 1) AS protocolversion
        FROM servers WHERE domain = @Domain AND signing_key_public IS NOT NULL
        """;

    public async Task UpsertAsync(PeerServer server, bool isLocal, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(UpsertSql, new
        {
            Id = Guid.NewGuid(), server.Domain, server.SigningKeyPublic, server.ApiBaseUrl, IsLocal = isLocal, server.ProtocolVersion, Now = now,
        }, cancellationToken: ct));
    }

    public async Task<PeerServer?> FindAsync(string domain, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<PeerServer>(new CommandDefinition(FindSql, new { Domain = domain }, cancellationToken: ct));
    }
}
