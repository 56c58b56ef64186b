using System.Text.Json.Nodes;
using D3Chat.Integration.Tests.Infrastructure;

namespace D3Chat.Integration.Tests.Security;

/// <summary>
/// What the route table does not say: a valid body and the query parameters of each operation,
/// the starting point every mutation breaks in one way. Every POST, PUT and PATCH of the route
/// table must be listed here (as a JSON body, a multipart upload, or bodiless), so a new route
/// cannot escape the fuzz run unnoticed (<c>RouteFuzzTests.EveryBodyRoute_HasASeed</c>).
/// </summary>
public static class FuzzSeeds
{
    /// <summary>Operations whose input is a multipart <c>file</c> part.</summary>
    public static readonly IReadOnlySet<string> Multipart = new HashSet<string> { "UploadAttachment", "UploadAvatar" };

    /// <summary>POST routes that read no body (a body sent anyway must be ignored, or refused as 4xx).</summary>
    public static readonly IReadOnlySet<string> Bodiless = new HashSet<string>
    {
        "RetryFederationPeer", "RetryOutboxDeadLetter", "RetryPoisonQueueMessages", "AdminUnbanUser", "AdminUnsuspendUser",
        "CreateAttachmentLink", "LogoutAll", "JoinChannel", "LeaveChannel", "Negotiate",
    };

    /// <summary>Routes whose success spends part of the world (it is renewed after them): the owner's session or channel, or the member.</summary>
    public static readonly IReadOnlyDictionary<string, (bool Owner, bool Member)> Spends = new Dictionary<string, (bool, bool)>
    {
        ["LogoutAll"] = (true, false), ["ChangePassword"] = (true, false), ["DeleteDevice"] = (true, false),
        ["DeleteChannel"] = (false, false), ["LeaveChannel"] = (false, false), ["AdminDeleteChannel"] = (false, false),
        ["DeleteMessage"] = (false, false),
        ["AdminBanUser"] = (false, true), ["AdminSuspendUser"] = (false, true), ["AdminPromoteUser"] = (false, true), ["AdminDeleteUser"] = (false, true),
    };

    /// <summary>A body the route accepts (or refuses only for a reason past validation, e.g. a wrong password), or null when it takes none.</summary>
    public static JsonObject? Body(string operationId, FuzzWorld w) => operationId switch
    {
        // Wrong password and bogus tokens: the request goes through validation and the whole lookup, but opens no session.
        "Register" => new() { ["username"] = Names.Username("fr"), ["password"] = Names.Password, ["email"] = "fuzz@example.com", ["display_name"] = "Fuzz", ["device_name"] = "fuzz" },
        "Login" => new() { ["username"] = w.OwnerName, ["password"] = "not the password", ["device_name"] = "fuzz" },
        "Refresh" or "Logout" => new() { ["refresh_token"] = "fuzz-not-a-token" },
        "ChangePassword" => new() { ["old_password"] = "not the password", ["new_password"] = "a new password 123" },
        "UpdateMe" => new()
        {
            ["display_name"] = "Fuzz", ["bio"] = "bio", ["status_message"] = "status", ["email"] = "fuzz@example.com", ["email_visible"] = false,
            ["preferences"] = new JsonObject { ["theme"] = "dark" },
        },
        "CreateChannel" => new() { ["name"] = "fuzz", ["is_public"] = true, ["encryption_type"] = "sender_keys", ["is_dm"] = false },
        "UpdateChannel" => new() { ["name"] = "renamed", ["is_public"] = true },
        "AddChannelMember" or "CreateDm" => new() { ["user_id"] = w.Member.Id.ToString() },
        "SendMessage" => new()
        {
            ["content"] = OpaqueMessages.Frame(), ["content_type"] = "text", ["protocol_version"] = 3, ["sender_device_id"] = w.Owner.DeviceId.ToString(),
            ["reply_to_id"] = w.MessageId.ToString(), ["attachment_ids"] = new JsonArray(), ["client_message_id"] = Guid.NewGuid().ToString(),
        },
        "EditMessage" => new() { ["content"] = OpaqueMessages.Frame() },
        "SendTyping" => new() { ["state"] = "start" },
        "SetPresence" => new() { ["status"] = "online" },
        "CreateDevice" => new() { ["device_name"] = "fuzz device", ["device_key_public"] = "key" },
        "UploadKeyBundle" => new()
        {
            ["device_id"] = w.Owner.DeviceId.ToString(), ["identity_key"] = "ik", ["signed_pre_key"] = "spk", ["signed_pre_key_signature"] = "sig",
            ["one_time_pre_keys"] = new JsonArray("otk1", "otk2"), ["signing_key"] = SigningKey,
        },
        "UploadOneTimeKeys" => new() { ["device_id"] = w.Owner.DeviceId.ToString(), ["one_time_pre_keys"] = new JsonArray("otk3") },
        "PostX3dhSetup" => new() { ["initiator_identity_key"] = "ik", ["ephemeral_public_key"] = "ek", ["used_one_time_key"] = false },
        "UploadSenderKey" => new()
        {
            ["device_id"] = w.Owner.DeviceId.ToString(), ["sender_key_public"] = "skp",
            ["envelopes"] = new JsonArray(new JsonObject { ["recipient_device_id"] = w.Member.DeviceId.ToString(), ["envelope"] = "env" }),
        },
        "AdminBanUser" => new() { ["reason"] = "fuzz" },
        "AdminSuspendUser" => new() { ["hours"] = 1, ["reason"] = "fuzz" },
        "AdminPromoteUser" => new() { ["role"] = "user" },
        "AdminCreateInvite" => new() { ["max_uses"] = 1, ["expires_at"] = DateTimeOffset.UtcNow.AddDays(1).ToString("O") },
        "AdminUpdateSetting" => new() { ["value"] = new JsonObject { ["value"] = "Fuzzed description" }, ["description"] = "fuzz" },
        "AdminCreateSetting" => new() { ["key"] = $"fuzz_{Guid.NewGuid():N}", ["value"] = new JsonObject(), ["category"] = "general", ["description"] = "fuzz" },
        "FederationKeyClaim" => new() { ["username"] = w.OwnerName, ["device_id"] = w.Owner.DeviceId.ToString() },
        "FederationInbox" => new() { ["event_id"] = "e1", ["type"] = "channel.join", ["origin_server"] = "peer.example", ["timestamp"] = DateTimeOffset.UtcNow.ToString("O") },
        "FederationTransactions" => new()
        {
            ["events"] = new JsonArray(new JsonObject
            {
                ["event_id"] = "e1", ["type"] = "channel.join", ["origin_server"] = "peer.example", ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"),
            }),
        },
        _ => null,
    };

    public static bool HasSeed(string operationId) =>
        Multipart.Contains(operationId) || Bodiless.Contains(operationId) || Body(operationId, Placeholder.Value) is not null;

    /// <summary>The query parameters an operation reads, with a valid value each.</summary>
    public static IReadOnlyDictionary<string, string> Query(string operationId, FuzzWorld w) => operationId switch
    {
        "AdminListUsers" => new Dictionary<string, string> { ["page"] = "1", ["page_size"] = "20", ["search"] = "fz", ["role"] = "user", ["status"] = "active" },
        "AdminListChannels" => new Dictionary<string, string> { ["page"] = "1", ["page_size"] = "20", ["search"] = "fuzz", ["type"] = "public" },
        "AdminListAuditLogs" => new Dictionary<string, string> { ["page"] = "1", ["page_size"] = "20", ["action"] = "ban", ["target_type"] = "user", ["admin_id"] = Guid.NewGuid().ToString() },
        "AdminDashboardAnalytics" => new Dictionary<string, string> { ["days"] = "30" },
        "ListMessages" => new Dictionary<string, string> { ["limit"] = "50", ["before"] = DateTimeOffset.UtcNow.ToString("O"), ["before_id"] = w.MessageId.ToString() },
        "SearchUsers" => new Dictionary<string, string> { ["q"] = "fz" },
        "LookupUser" => new Dictionary<string, string> { ["identity"] = $"{w.OwnerName}@{w.Domain}" },
        "GetSenderKeys" => new Dictionary<string, string> { ["device_id"] = w.Owner.DeviceId.ToString() },
        "GetPresence" => new Dictionary<string, string> { ["user_ids"] = w.Member.Id.ToString() },
        "FederationUserLookup" or "FederationKeyBundles" => new Dictionary<string, string> { ["username"] = w.OwnerName },
        "DownloadAttachment" or "GetAttachmentThumbnail" => new Dictionary<string, string> { ["token"] = "fuzz-token" },
        _ => new Dictionary<string, string>(),
    };

    // The encoding a signing key must have (65 bytes, 04‖X‖Y); the server does not check the curve.
    private static readonly string SigningKey = Convert.ToBase64String([0x04, .. new byte[64]]);

    // Only to ask whether a seed exists: ids are irrelevant then.
    private static readonly Lazy<FuzzWorld> Placeholder = new(FuzzWorld.Placeholder);
}
