using D3Chat.Core.Channels;

namespace D3Chat.Functions.Api.Channels;

/// <summary>Spec api.md §6, with departure 2 (membership enforced; private groups and DMs not joinable).</summary>
public sealed class ChannelFunctions(ChannelService channels, RequestGate gate)
{
    [Function(nameof(CreateChannel))]
    public Task<IActionResult> CreateChannel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/channels")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Body<CreateChannelRequest>()
            .Created((call, body) => channels.CreateAsync(call.User, body, ct));

    [Function(nameof(ListChannels))]
    public Task<IActionResult> ListChannels(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/channels")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Ok(call => Outcome.Of(channels.ListAsync(call.User, ct)));

    [Function(nameof(GetChannel))]
    public Task<IActionResult> GetChannel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/channels/{channelId}")] HttpRequest req, string channelId, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Id(channelId, "channel_id")
            .Ok((call, id) => channels.GetAsync(call.User, id, ct));

    [Function(nameof(UpdateChannel))]
    public Task<IActionResult> UpdateChannel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "api/v1/channels/{channelId}")] HttpRequest req, string channelId, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Id(channelId, "channel_id").Body<UpdateChannelRequest>()
            .Ok((call, id, body) => channels.UpdateAsync(call.User, id, body, ct));

    [Function(nameof(DeleteChannel))]
    public Task<IActionResult> DeleteChannel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/v1/channels/{channelId}")] HttpRequest req, string channelId, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Id(channelId, "channel_id")
            .NoContent((call, id) => channels.DeleteAsync(call.User, id, ct));

    [Function(nameof(JoinChannel))]
    public Task<IActionResult> JoinChannel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/channels/{channelId}/join")] HttpRequest req, string channelId, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Id(channelId, "channel_id")
            .NoContent((call, id) => channels.JoinAsync(call.User, id, ct));

    [Function(nameof(LeaveChannel))]
    public Task<IActionResult> LeaveChannel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/channels/{channelId}/leave")] HttpRequest req, string channelId, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Id(channelId, "channel_id")
            .NoContent((call, id) => Outcome.Of(channels.LeaveAsync(call.User, id, ct)));

    [Function(nameof(ListChannelMembers))]
    public Task<IActionResult> ListChannelMembers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/channels/{channelId}/members")] HttpRequest req, string channelId, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Id(channelId, "channel_id")
            .Ok((call, id) => channels.MembersAsync(call.User, id, ct));

    [Function(nameof(AddChannelMember))]
    public Task<IActionResult> AddChannelMember(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/channels/{channelId}/members")] HttpRequest req, string channelId, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Id(channelId, "channel_id").Body<UserIdRequest>()
            .Created((call, id, body) => channels.AddMemberAsync(call.User, id, body.UserId!.Value, ct));

    [Function(nameof(CreateDm))]
    public Task<IActionResult> CreateDm(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/channels/dm")] HttpRequest req, CancellationToken ct) =>
        gate.Run(req, Access.User, ct).Body<UserIdRequest>()
            .Created((call, body) => channels.CreateDmAsync(call.User, body.UserId!.Value, ct));
}
