namespace D3Chat.Core.Federation;

/// <summary>The three headers every federation request carries (spec federation.md §3).</summary>
public static class FederationHeaders
{
    public const string Origin = "X-D3Chat-Origin";
    public const string Timestamp = "X-D3Chat-Timestamp";
    public const string Signature = "X-D3Chat-Signature";

    /// <summary>The literal path every sender signs for the inbox, whatever its api_base_url.</summary>
    public const string InboxPath = "/federation/inbox";

    /// <summary>The batch endpoint (D3Chat, spec §4.1): one signed request carrying many events.</summary>
    public const string TransactionsPath = "/federation/transactions";

    public const string UserLookupPath = "/federation/user-lookup";
}
