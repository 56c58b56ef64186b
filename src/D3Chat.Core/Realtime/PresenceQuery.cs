using D3Chat.Core.Http;
using Microsoft.Extensions.Primitives;

namespace D3Chat.Core.Realtime;

/// <summary>Parses the <c>user_ids</c> query of <c>GET /api/v1/presence</c>.</summary>
public static class PresenceQuery
{
    /// <summary>The ids, or null with the 422 recorded in <paramref name="query"/>.</summary>
    public static IReadOnlyList<Guid>? Read(QueryParams query)
    {
        var ids = Parse(query.Values("user_ids"));
        if (ids is null)
        {
            query.Fail("user_ids", $"Provide 1 to {PresenceService.MaxUsersPerQuery} comma-separated user UUIDs", "value_error");
        }
        return ids;
    }

    /// <summary>The distinct ids in order, or null when missing, malformed or too many.</summary>
    public static IReadOnlyList<Guid>? Parse(StringValues values)
    {
        var ids = new List<Guid>();
        foreach (var part in values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!Guid.TryParse(part, out var id))
            {
                return null;
            }
            if (!ids.Contains(id))
            {
                ids.Add(id);
            }
        }
        return ids.Count is > 0 and <= PresenceService.MaxUsersPerQuery ? ids : null;
    }
}
