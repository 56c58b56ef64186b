namespace D3Chat.Core.Federation;

/// <summary>The three headers every federation request carries (spec federation.md §3).</summary>
public static class FederationHeaders
{
    public const string Origin = "X-D3Chat-Origin";
    public const string Timestamp = "X-D3Chat-Timestamp";
    public const string Signature = "X-D3Chat-Signature";

    /// <summary>The literal path every sender signs for the inbox, whatever its api_base_url.</summary>
    public const string InboxPath = "/federation/inbox";

    public const string UserLookupPath = "/federation/user-lookup";
}
