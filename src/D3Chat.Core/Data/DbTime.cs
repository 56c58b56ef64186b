namespace D3Chat.Core.Data;

/// <summary>Timestamps as PostgreSQL stores them.</summary>
internal static class DbTime
{
    /// <summary>
    /// <paramref name="value"/> truncated to microseconds, PostgreSQL's precision, so what a response
    /// shows equals what a later read returns.
    /// </summary>
    public static DateTimeOffset DbPrecision(DateTimeOffset value) => new(value.UtcTicks - (value.UtcTicks % 10), TimeSpan.Zero);
}
