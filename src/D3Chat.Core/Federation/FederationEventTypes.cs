namespace D3Chat.Core.Federation;

/// <summary>Inbox event types (spec federation.md §6; edit and delete are D3Chat additions that reference servers ignore).</summary>
public static class FederationEventTypes
{
    public const string MessageRelay = "message.relay";
    public const string MessageEdit = "message.edit";
    public const string MessageDelete = "message.delete";
    public const string ChannelInvite = "channel.invite";
    public const string ChannelJoin = "channel.join";
    public const string ChannelLeave = "channel.leave";
    public const string SenderKeyDistribute = "sender_key.distribute";

    /// <summary>D3Chat addition: a user's device has new keys or was removed (reference servers ignore it).</summary>
    public const string DeviceUpdate = "device.update";
}
