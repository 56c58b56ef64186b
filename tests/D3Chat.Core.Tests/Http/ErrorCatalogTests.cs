using System.Reflection;
using D3Chat.Core.Http;

namespace D3Chat.Core.Tests.Http;

/// <summary>
/// The error catalog against the protocol: every entry's status and detail is listed here, copied
/// from the API and federation specifications (or, for D3Chat's additions, from our own protocol
/// docs), so a changed text or status, a missing entry or an unlisted one fails.
/// </summary>
public sealed class ErrorCatalogTests
{
    /// <summary>Statuses and details as the specifications state them (api.md, federation.md).</summary>
    private static readonly Dictionary<string, (int Status, string Detail)> Specified = new()
    {
        // api.md §0.1–0.2
        ["NotAuthenticated"] = (401, "Not authenticated"),
        ["InvalidToken"] = (401, "Invalid token"),
        ["TokenUserNotFound"] = (401, "User not found"),
        ["AdminRequired"] = (403, "Admin access required"),
        ["SuperadminRequired"] = (403, "Superadmin access required"),
        ["RateLimited"] = (429, "Rate limit exceeded"),
        // §3
        ["RegistrationClosed"] = (403, "Registration is currently closed"),
        ["RegistrationInviteOnly"] = (403, "Registration is invite-only"),
        ["UsernameTaken"] = (409, "Username already taken"),
        ["InvalidCredentials"] = (401, "Invalid credentials"),
        ["AccountBanned"] = (403, "Account has been banned"),
        ["InvalidRefreshToken"] = (401, "Invalid refresh token"),
        // §4, §9
        ["UserNotFound"] = (404, "User not found"),
        ["AvatarTypeNotAllowed"] = (400, "File type not allowed. Use JPEG, PNG, WebP, or GIF."),
        ["AvatarTooLarge"] = (400, "File too large. Maximum 2MB."),
        ["AvatarNotFound"] = (404, "Avatar not found"),
        ["RemoteUserPassword"] = (400, "Cannot change password for remote users"),
        ["WrongCurrentPassword"] = (400, "Current password is incorrect"),
        ["InvalidIdentity"] = (400, "Invalid identity format, use user@server"),
        // §5, §8
        ["DeviceNotFound"] = (404, "Device not found"),
        ["KeyBundleNotFound"] = (404, "Key bundle not found"),
        ["KeyBundleNotUploaded"] = (404, "Key bundle not found, upload bundle first"),
        ["X3dhSetupNotFound"] = (404, "No X3DH setup data found"),
        // §6
        ["ChannelNotFound"] = (404, "Channel not found"),
        ["NotChannelMember"] = (403, "Not a member of this channel"),
        ["ChannelOwnerRequired"] = (403, "Requires role: owner"),
        ["DmMembersFixed"] = (400, "Cannot add members to a DM"),
        ["AlreadyChannelMember"] = (409, "User is already a member"),
        // §7
        ["MessageNotFound"] = (404, "Message not found"),
        ["EditOthersMessage"] = (403, "Can only edit own messages"),
        ["DeleteOthersMessage"] = (403, "Can only delete own messages"),
        ["ReplyOutsideChannel"] = (400, "reply_to_id must reference a message in the same channel"),
        // §9 attachments
        ["AttachmentTooLarge"] = (413, "File too large. Maximum size is 10MB"),
        ["AttachmentTokenMissing"] = (401, "Authentication required"),
        ["AttachmentNotFound"] = (404, "Attachment not found"),
        ["FileNotOnDisk"] = (404, "File not found on disk"),
        ["ThumbnailNotAvailable"] = (404, "Thumbnail not available"),
        // §10
        ["CannotBanSelf"] = (400, "Cannot ban yourself"),
        ["OnlySuperadminsBanAdmins"] = (403, "Only superadmins can ban admins"),
        ["CannotSuspendSelf"] = (400, "Cannot suspend yourself"),
        ["OnlySuperadminsSuspendAdmins"] = (403, "Only superadmins can suspend admins"),
        ["CannotChangeOwnRole"] = (400, "Cannot change your own role"),
        ["CannotDeleteSelf"] = (400, "Cannot delete yourself"),
        ["CannotDeleteSuperadmin"] = (403, "Cannot delete a superadmin"),
        ["SettingNotFound"] = (404, "Setting not found"),
        ["SettingExists"] = (409, "Setting already exists"),
        // federation.md §4–5
        ["FederationHeadersMissing"] = (401, "Missing federation headers"),
        ["FederationTimestampInvalid"] = (401, "Invalid timestamp"),
        ["FederationOutsideReplayWindow"] = (401, "Request outside replay window"),
        ["FederationRateLimited"] = (429, "Federation rate limit exceeded"),
        ["FederationRequestReplayed"] = (409, "This signed request was already received; sign a new one (a fresh timestamp and nonce)"),
        ["FederationOriginUnverifiable"] = (401, "Could not verify origin server"),
        ["FederationSignatureInvalid"] = (401, "Invalid signature"),
        ["FederationInvalidJson"] = (400, "Invalid JSON body"),
        ["FederationEventIdMissing"] = (400, "Missing event_id"),
        ["FederationEventTypeMissing"] = (400, "Missing event type"),
        ["FederationEventFailed"] = (500, "Error processing event"),
        // http-api.md "Dependency down" (docs/reliability.md)
        ["ServiceUnavailable"] = (503, "Service temporarily unavailable; retry later"),
    };

    /// <summary>D3Chat's additions and departures: failures the reference answered with a 500 or did not have.</summary>
    private static readonly Dictionary<string, (int Status, string Detail)> Added = new()
    {
        ["BodyTooLarge"] = (413, "Request body too large"),
        ["RecipientNotChannelDevice"] = (400, "Every recipient_device_id must be a device of a channel member"),
        ["DmCannotBePublic"] = (400, "A DM cannot be made public"),
        ["DmNotJoinable"] = (403, "Direct messages cannot be joined"),
        ["PrivateChannelNotJoinable"] = (403, "This channel is private; a member must add you"),
        ["DmWithSelf"] = (400, "Cannot create a DM with yourself"),
        ["SenderDeviceNotOwn"] = (400, "sender_device_id must be one of your devices"),
        ["OnlySuperadminsUnbanAdmins"] = (403, "Only superadmins can unban admins"),
        ["OnlySuperadminsUnsuspendAdmins"] = (403, "Only superadmins can unsuspend admins"),
        ["LastSuperadmin"] = (409, "At least one active superadmin must remain"),
        ["NotAnImage"] = (400, "File content is not a JPEG, PNG, WebP or GIF image of the declared type."),
        ["MessageTooLarge"] = (413, "Message content too large. Maximum 160000 characters"),
        ["NoSharedChannel"] = (403, "No channel shared with the owner of this device"),
        ["PlaintextRefused"] = (400, "This channel is end-to-end encrypted: plaintext messages (protocol_version 1) are refused; send protocol_version 3"),
        ["ClientIdMessageGone"] = (409, "The message first sent with this client_message_id was deleted meanwhile; send again with a new id"),
        ["DeadLetterNotFound"] = (404, "Dead letter not found"),
        ["InviteExpiryInPast"] = (400, "expires_at must be in the future"),
        ["InviteNotFound"] = (404, "Invite not found"),
        ["PeerNotFound"] = (404, "Peer not found"),
        ["PresenceUnavailable"] = (503, "Presence is temporarily unavailable"),
        ["RealtimeNotConfigured"] = (503, "Realtime delivery is not configured"),
        ["RealtimeUnavailable"] = (503, "Realtime service unavailable"),
        ["FederationOriginMismatch"] = (400, "origin_server does not match X-D3Chat-Origin"),
        ["FederationBatchInvalid"] = (400, "Body must be {\"events\": [...]} with 1 to 50 events"),
        ["RouteNotFound"] = (404, "Not Found"),
    };

    private static Dictionary<string, (int Status, string Detail)> Catalog() =>
        typeof(Problem).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(Problem))
            .ToDictionary(f => f.Name, f => ((Problem)f.GetValue(null)!) is var p ? (p.Status, p.Detail) : default);

    [Fact]
    public void Catalog_MatchesSpecifiedAndAddedEntriesExactly()
    {
        var expected = Specified.Concat(Added).OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
        var actual = Catalog().OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Catalog_AddedEntriesDoNotRedefineSpecifiedOnes()
    {
        Assert.Empty(Specified.Keys.Intersect(Added.Keys));
        Assert.Empty(Specified.Values.Select(v => v.Detail).Intersect(Added.Values.Select(v => v.Detail)));
    }

    [Fact]
    public void EmailDomainNotAllowed_NamesTheDomainAsTheSpecDoes()
    {
        var problem = Problem.EmailDomainNotAllowed("example.org");
        Assert.Equal((403, "Email domain 'example.org' is not allowed for registration"), (problem.Status, problem.Detail));
    }

    [Fact]
    public void AccountSuspended_UsesThePythonIsoFormatOfTheReference()
    {
        var problem = Problem.AccountSuspended(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)).AddTicks(70));
        Assert.Equal((403, "Account suspended until 2026-01-02T01:04:05.000007+00:00"), (problem.Status, problem.Detail));
    }

    [Fact]
    public void MalformedFrame_IsA422WithTheFramesReason()
    {
        var problem = Problem.MalformedFrame(D3Chat.Core.Messages.MessageFrame.WrongHeader);
        Assert.Equal((422, D3Chat.Core.Messages.MessageFrame.WrongHeader), (problem.Status, problem.Detail));
    }

    [Theory]
    [InlineData(14.2, 15)]
    [InlineData(0.3, 1)]
    [InlineData(900, 900)]
    public void LoginsPaused_IsA429WhoseRetryAfterIsTheWaitRoundedUp(double waitSeconds, int retryAfter)
    {
        var problem = Problem.LoginsPaused(TimeSpan.FromSeconds(waitSeconds));
        Assert.Equal((429, $"Too many failed logins. Try again in {retryAfter} seconds", retryAfter),
            (problem.Status, problem.Detail, problem.RetryAfterSeconds));
    }

    [Fact]
    public void RetryAfter_IsSetOnlyForFailuresThatPassWithTime()
    {
        Assert.Equal(10, Problem.RateLimited.RetryAfterSeconds);
        Assert.Null(Problem.InvalidCredentials.RetryAfterSeconds);
    }

    [Fact]
    public void Unhandled_IsA500NamingOnlyTheTraceId()
    {
        var problem = Problem.Unhandled("4bf92f3577b34da6a3ce929d0e0e4736");
        Assert.Equal((500, "Internal server error (trace id 4bf92f3577b34da6a3ce929d0e0e4736)"), (problem.Status, problem.Detail));
    }
}
