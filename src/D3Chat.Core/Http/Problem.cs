using System.Diagnostics;
using System.Globalization;

namespace D3Chat.Core.Http;

/// <summary>
/// The error catalog: every expected failure of D3Chat, named, with the status and <c>detail</c> text
/// the client sees (<c>{"detail": "..."}</c>). The constructor is private, so a failure that is not
/// listed here cannot be answered; <c>ErrorCatalogTests</c> compares the list with the spec.
/// Validation failures (422 with a list of field errors) are not domain failures and live in
/// <see cref="RequestBody"/>.
/// </summary>
public sealed record Problem
{
    private Problem(int status, string detail)
    {
        Status = status;
        Detail = detail;
    }

    public int Status { get; }

    public string Detail { get; }

    /// <summary>Sent as <c>Retry-After</c> (seconds) with the answer, for failures that pass with time.</summary>
    public int? RetryAfterSeconds { get; private init; }

    // Gate (spec api.md §0.1–0.2)
    public static readonly Problem NotAuthenticated = new(401, "Not authenticated");
    public static readonly Problem InvalidToken = new(401, "Invalid token");
    public static readonly Problem TokenUserNotFound = new(401, "User not found");
    public static readonly Problem AdminRequired = new(403, "Admin access required");
    public static readonly Problem SuperadminRequired = new(403, "Superadmin access required");
    public static readonly Problem RateLimited = new(429, "Rate limit exceeded") { RetryAfterSeconds = 10 };
    public static readonly Problem BodyTooLarge = new(413, "Request body too large");

    // Auth (§3)
    public static readonly Problem RegistrationClosed = new(403, "Registration is currently closed");
    public static readonly Problem RegistrationInviteOnly = new(403, "Registration is invite-only");
    public static readonly Problem UsernameTaken = new(409, "Username already taken");
    public static readonly Problem InvalidCredentials = new(401, "Invalid credentials");
    public static readonly Problem AccountBanned = new(403, "Account has been banned");
    public static readonly Problem InvalidRefreshToken = new(401, "Invalid refresh token");

    /// <summary>(D3Chat) Logins for this name from this address, or from this address at all, wait after repeated failures.</summary>
    public static Problem LoginsPaused(TimeSpan wait)
    {
        var seconds = (int)Math.Ceiling(Math.Max(1, wait.TotalSeconds));
        return new(429, $"Too many failed logins. Try again in {seconds} seconds") { RetryAfterSeconds = seconds };
    }

    public static Problem EmailDomainNotAllowed(string domain) => new(403, $"Email domain '{domain}' is not allowed for registration");

    /// <summary>The suspension end in the reference's Python isoformat (microseconds, <c>+00:00</c>).</summary>
    public static Problem AccountSuspended(DateTimeOffset until) =>
        new(403, $"Account suspended until {until.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture)}");

    // Users and avatars (§4, §9)
    public static readonly Problem UserNotFound = new(404, "User not found");
    public static readonly Problem AvatarTypeNotAllowed = new(400, "File type not allowed. Use JPEG, PNG, WebP, or GIF.");
    public static readonly Problem AvatarTooLarge = new(400, "File too large. Maximum 2MB.");
    public static readonly Problem NotAnImage = new(400, "File content is not a JPEG, PNG, WebP or GIF image of the declared type.");
    public static readonly Problem AvatarNotFound = new(404, "Avatar not found");
    public static readonly Problem RemoteUserPassword = new(400, "Cannot change password for remote users");
    public static readonly Problem WrongCurrentPassword = new(400, "Current password is incorrect");
    public static readonly Problem InvalidIdentity = new(400, "Invalid identity format, use user@server");

    // Devices and keys (§5, §8)
    public static readonly Problem DeviceNotFound = new(404, "Device not found");
    public static readonly Problem KeyBundleNotFound = new(404, "Key bundle not found");
    public static readonly Problem KeyBundleNotUploaded = new(404, "Key bundle not found, upload bundle first");
    public static readonly Problem X3dhSetupNotFound = new(404, "No X3DH setup data found");
    public static readonly Problem NoSharedChannel = new(403, "No channel shared with the owner of this device");
    public static readonly Problem RecipientNotChannelDevice = new(400, "Every recipient_device_id must be a device of a channel member");

    // Channels (§6, departure 2)
    public static readonly Problem ChannelNotFound = new(404, "Channel not found");
    public static readonly Problem NotChannelMember = new(403, "Not a member of this channel");
    public static readonly Problem ChannelOwnerRequired = new(403, "Requires role: owner");
    public static readonly Problem DmMembersFixed = new(400, "Cannot add members to a DM");
    public static readonly Problem AlreadyChannelMember = new(409, "User is already a member");
    public static readonly Problem DmCannotBePublic = new(400, "A DM cannot be made public");
    public static readonly Problem DmNotJoinable = new(403, "Direct messages cannot be joined");
    public static readonly Problem PrivateChannelNotJoinable = new(403, "This channel is private; a member must add you");
    public static readonly Problem DmWithSelf = new(400, "Cannot create a DM with yourself");

    // Messages (§7)
    public static readonly Problem MessageNotFound = new(404, "Message not found");
    public static readonly Problem MessageTooLarge = new(413, $"Message content too large. Maximum {Messages.MessageLimits.MaxContentChars} characters");
    public static readonly Problem EditOthersMessage = new(403, "Can only edit own messages");
    public static readonly Problem DeleteOthersMessage = new(403, "Can only delete own messages");
    public static readonly Problem ReplyOutsideChannel = new(400, "reply_to_id must reference a message in the same channel");
    public static readonly Problem SenderDeviceNotOwn = new(400, "sender_device_id must be one of your devices");
    public static readonly Problem PlaintextRefused =
        new(400, "This channel is end-to-end encrypted: plaintext messages (protocol_version 1) are refused; send protocol_version 3");
    public static readonly Problem ClientIdMessageGone =
        new(409, "The message first sent with this client_message_id was deleted meanwhile; send again with a new id");

    /// <summary>An edit of a protocol v3 message whose new content is no v3 frame; the reason is one of <see cref="Messages.MessageFrame"/>'s.</summary>
    public static Problem MalformedFrame(string reason) => new(422, reason);

    // Attachments (§9, departure 5)
    public static readonly Problem AttachmentTooLarge = new(413, "File too large. Maximum size is 10MB");
    public static readonly Problem AttachmentTokenMissing = new(401, "Authentication required");
    public static readonly Problem AttachmentNotFound = new(404, "Attachment not found");
    public static readonly Problem FileNotOnDisk = new(404, "File not found on disk");
    public static readonly Problem ThumbnailNotAvailable = new(404, "Thumbnail not available");

    // Administration (§10)
    public static readonly Problem CannotBanSelf = new(400, "Cannot ban yourself");
    public static readonly Problem OnlySuperadminsBanAdmins = new(403, "Only superadmins can ban admins");
    public static readonly Problem CannotSuspendSelf = new(400, "Cannot suspend yourself");
    public static readonly Problem OnlySuperadminsSuspendAdmins = new(403, "Only superadmins can suspend admins");
    public static readonly Problem OnlySuperadminsUnbanAdmins = new(403, "Only superadmins can unban admins");
    public static readonly Problem OnlySuperadminsUnsuspendAdmins = new(403, "Only superadmins can unsuspend admins");
    public static readonly Problem LastSuperadmin = new(409, "At least one active superadmin must remain");
    public static readonly Problem CannotChangeOwnRole = new(400, "Cannot change your own role");
    public static readonly Problem CannotDeleteSelf = new(400, "Cannot delete yourself");
    public static readonly Problem CannotDeleteSuperadmin = new(403, "Cannot delete a superadmin");
    public static readonly Problem SettingNotFound = new(404, "Setting not found");
    public static readonly Problem SettingExists = new(409, "Setting already exists");
    public static readonly Problem InviteExpiryInPast = new(400, "expires_at must be in the future");
    public static readonly Problem InviteNotFound = new(404, "Invite not found");
    public static readonly Problem PeerNotFound = new(404, "Peer not found");
    public static readonly Problem DeadLetterNotFound = new(404, "Dead letter not found");

    // Realtime (departure 1)
    public static readonly Problem PresenceUnavailable = new(503, "Presence is temporarily unavailable");
    public static readonly Problem RealtimeNotConfigured = new(503, "Realtime delivery is not configured");
    public static readonly Problem RealtimeUnavailable = new(503, "Realtime service unavailable");

    // Federation (federation.md §4–5)
    public static readonly Problem FederationHeadersMissing = new(401, "Missing federation headers");
    public static readonly Problem FederationTimestampInvalid = new(401, "Invalid timestamp");
    public static readonly Problem FederationOutsideReplayWindow = new(401, "Request outside replay window");
    public static readonly Problem FederationOriginUnverifiable = new(401, "Could not verify origin server");
    public static readonly Problem FederationSignatureInvalid = new(401, "Invalid signature");
    public static readonly Problem FederationRateLimited = new(429, "Federation rate limit exceeded");
    public static readonly Problem FederationRequestReplayed =
        new(409, "This signed request was already received; sign a new one (a fresh timestamp and nonce)");
    public static readonly Problem FederationInvalidJson = new(400, "Invalid JSON body");
    public static readonly Problem FederationEventIdMissing = new(400, "Missing event_id");
    public static readonly Problem FederationEventTypeMissing = new(400, "Missing event type");
    public static readonly Problem FederationOriginMismatch = new(400, "origin_server does not match X-D3Chat-Origin");
    public static readonly Problem FederationEventFailed = new(500, "Error processing event");
    public static readonly Problem FederationBatchInvalid = new(400, $"Body must be {{\"events\": [...]}} with 1 to {Federation.FederationBatches.MaxEvents} events");

    // A backing service is down (issue 13; docs/reliability.md): retry later.
    public static readonly Problem ServiceUnavailable = new(503, ServiceOutage.Detail);

    // Hosts
    public static readonly Problem RouteNotFound = new(404, "Not Found");

    /// <summary>
    /// The answer to an unhandled exception on every host: the trace id to find the logged exception,
    /// never the exception text (it can hold SQL, keys or message bodies).
    /// </summary>
    public static Problem Unhandled(string traceId) => new(500, $"Internal server error (trace id {traceId})");

    /// <summary>The trace id of the current request: the W3C trace of <see cref="Activity.Current"/>, else the host's id.</summary>
    public static string TraceId(string fallback) => Activity.Current?.TraceId.ToString() ?? fallback;
}
