using System.Text.RegularExpressions;
using D3Chat.Core.Http;

namespace D3Chat.Core.Admin;

/// <summary>The spec's AdminUser (api.md §10).</summary>
public record AdminUser
{
    public Guid Id { get; init; }
    public string Username { get; init; } = "";
    public string? Email { get; init; }
    public string ServerDomain { get; init; } = "";
    public bool IsLocal { get; init; }
    public string Role { get; init; } = "";
    public bool IsBanned { get; init; }
    public bool IsSuspended { get; init; }
    public DateTime? SuspendedUntil { get; init; }
    public string? BanReason { get; init; }
    public DateTime? CreatedAt { get; init; }
}

/// <summary>AdminUser plus the counts of <c>GET /admin/users/{id}</c>.</summary>
public sealed record AdminUserDetail : AdminUser
{
    public long DeviceCount { get; init; }
    public long SessionCount { get; init; }
    public long ChannelCount { get; init; }
    public long MessageCount { get; init; }
}

public sealed record AdminUserPage(IReadOnlyList<AdminUser> Users, long Total, int Page, int PageSize);

/// <summary>Filters of <c>GET /admin/users</c>; <c>Status</c> is banned, suspended, active, or null (others are ignored, as in the reference).</summary>
public sealed record AdminUserFilter(string? Search, string? Role, string? Status, int Page, int PageSize)
{
    public static AdminUserFilter Read(QueryParams q) =>
        new(q.String("search"), q.String("role"), q.String("status"), AdminPaging.Page(q), AdminPaging.PageSize(q));
}

/// <summary>The spec's AdminChannel: ChannelResponse plus counts.</summary>
public record AdminChannel
{
    public Guid Id { get; init; }
    public string? Name { get; init; }
    public bool IsDm { get; init; }
    public bool IsFederated { get; init; }
    public string? EncryptionType { get; init; }
    public Guid? CreatedBy { get; init; }
    public DateTime? CreatedAt { get; init; }
    public long MemberCount { get; init; }
    public long MessageCount { get; init; }
}

public sealed record AdminChannelMember
{
    public Guid UserId { get; init; }
    public string? Role { get; init; }
    public string Username { get; init; } = "";
}

public sealed record AdminChannelDetail : AdminChannel
{
    public IReadOnlyList<AdminChannelMember> Members { get; init; } = [];
}

public sealed record AdminChannelPage(IReadOnlyList<AdminChannel> Channels, long Total, int Page, int PageSize);

/// <summary>Filters of <c>GET /admin/channels</c>; <c>Type</c> is dm, channel, or null.</summary>
public sealed record AdminChannelFilter(string? Search, string? Type, int Page, int PageSize)
{
    public static AdminChannelFilter Read(QueryParams q) => new(q.String("search"), q.String("type"), AdminPaging.Page(q), AdminPaging.PageSize(q));
}

public sealed record DashboardStats
{
    public long TotalUsers { get; init; }
    public long ActiveUsersToday { get; init; }
    public long TotalMessages { get; init; }
    public long TotalChannels { get; init; }
}

public sealed record DailyAnalytics
{
    public string Date { get; init; } = "";
    public long NewUsers { get; init; }
    public long ActiveUsers { get; init; }
    public long NewMessages { get; init; }
    public long NewChannels { get; init; }
}

public sealed record Analytics(IReadOnlyList<DailyAnalytics> Days);

public sealed record BanRequest(string? Reason) : IValidatable
{
    public void Validate(Validator v) => v.Length("reason", Reason, 0, 10_000);
}

public sealed record SuspendRequest(int? Hours, string? Reason) : IValidatable
{
    public void Validate(Validator v)
    {
        if (Hours is null)
        {
            v.Fail("hours", "Field required", "missing");
        }
        else if (Hours is < 1)
        {
            v.Fail("hours", "Input should be greater than or equal to 1", "greater_than_equal");
        }
        else if (Hours is > 8760)
        {
            v.Fail("hours", "Input should be less than or equal to 8760", "less_than_equal");
        }
        v.Length("reason", Reason, 0, 10_000);
    }
}

public sealed partial record PromoteRequest(string? Role) : IValidatable
{
    [GeneratedRegex("^(user|admin|superadmin)$")]
    private static partial Regex RolePattern();

    public void Validate(Validator v)
    {
        if (v.Required("role", Role))
        {
            v.Matches("role", Role, RolePattern());
        }
    }
}

/// <summary>Query helpers shared by the admin list routes.</summary>
internal static class AdminPaging
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 100;

    /// <summary>Highest page number: (page - 1) × page size must stay a 32-bit OFFSET.</summary>
    public const int MaxPage = 1_000_000;

    /// <summary>The 1-based <c>page</c> query parameter (default 1), at most <see cref="MaxPage"/>.</summary>
    public static int Page(QueryParams q) => q.Int("page", 1, 1, MaxPage);

    /// <summary>The <c>page_size</c> query parameter, 1 to <see cref="MaxPageSize"/>.</summary>
    public static int PageSize(QueryParams q) => q.Int("page_size", DefaultPageSize, 1, MaxPageSize);

    /// <summary>Escapes LIKE wildcards so a search term matches literally.</summary>
    public static string? LikePattern(string? term) =>
        term is null ? null : "%" + term.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
}
