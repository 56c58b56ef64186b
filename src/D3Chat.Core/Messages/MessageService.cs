using D3Chat.Core.Realtime;
using D3Chat.Core.Data;
using D3Chat.Core.Auth;
using D3Chat.Core.Channels;
using D3Chat.Core.Http;
using D3Chat.Core.Outbox;
using D3Chat.Core.Queue;
using Npgsql;

namespace D3Chat.Core.Messages;

/// <summary>
/// Spec api.md §7. Each write commits the message row and its outbox event together and answers only
/// after commit; the event is published after the answer (<see cref="OutboxUnitOfWork"/>; a failed
/// publish is left to the outbox sweep).
/// </summary>
public sealed class MessageService(
    NpgsqlDataSource dataSource,
    MessageStore messages,
    ChannelStore channels,
    OutboxUnitOfWork unitOfWork,
    TimeProvider time)
{
    public async Task<Outcome<MessagePage>> PageAsync(CurrentUser caller, Guid channelId, PageQuery query, CancellationToken ct)
    {
        if (!await channels.IsMemberAsync(channelId, caller.Id, ct))
        {
            return Problem.NotChannelMember;
        }
        var rows = await messages.PageAsync(channelId, query, query.Limit + 1, ct);
        var hasMore = rows.Count > query.Limit;
        var page = rows.Take(query.Limit).Reverse().ToList();
        var attachments = await messages.AttachmentsOfAsync(page.Select(m => m.Id).ToList(), ct);
        return new MessagePage(page.Select(m => m.ToResponse(attachments[m.Id].Select(a => a.ToSnippet()).ToList())).ToList(), hasMore);
    }

    /// <summary>
    /// Stores a message: membership, the channel's encryption rule (<see cref="ChannelEncryption"/>),
    /// the sending device, the reply target, then one transaction with its <c>message.new</c> event.
    /// With a client id, a retry within <see cref="ClientMessageIds.Window"/> answers the first message
    /// (<see cref="SentMessage.Replayed"/>) and stores nothing.
    /// </summary>
    public async Task<Outcome<SentMessage>> SendAsync(CurrentUser caller, Guid channelId, SendMessageRequest request, CancellationToken ct)
    {
        if (request.Content!.Length > MessageLimits.MaxContentChars)
        {
            return Problem.MessageTooLarge;
        }
        // One pool rental for the checks and the transaction (issue 14: it was four per message).
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (await channels.FindForSenderAsync(connection, channelId, caller.Id, request.SenderDeviceId, ct) is not ({ MemberRole: not null } channel, var deviceIsSenders))
        {
            return Problem.NotChannelMember;
        }
        if (request.ProtocolVersion == 1 && ChannelEncryption.IsEncrypted(channel.EncryptionType))
        {
            return Problem.PlaintextRefused;
        }
        if (!deviceIsSenders)
        {
            return Problem.SenderDeviceNotOwn;
        }
        MessageRow? parent = null;
        if (request.ReplyToId is { } replyToId)
        {
            parent = await messages.GetAsync(connection, replyToId, ct);
            if (parent is null || parent.ChannelId != channelId)
            {
                return Problem.ReplyOutsideChannel;
            }
        }
        var now = DbTime.DbPrecision(time.GetUtcNow());
        var row = new MessageRow
        {
            Id = Guid.NewGuid(),
            ChannelId = channelId,
            SenderId = caller.Id,
            SenderDeviceId = request.SenderDeviceId,
            Content = request.Content!,
            ContentType = request.ContentType ?? "text",
            ProtocolVersion = request.ProtocolVersion,
            ReplyToId = parent?.Id,
            CreatedAt = now.UtcDateTime,
            ReplyId = parent?.Id,
            ReplySenderId = parent?.SenderId,
            ReplyContent = parent?.Content,
            ReplyContentType = parent?.ContentType,
            ReplyProtocolVersion = parent?.ProtocolVersion,
        };
        // The claim, the message and its outbox row go to PostgreSQL as one batch, one implicit
        // transaction (issue 14). A lost claim (a retry of a committed send) fails the batch, which
        // keeps nothing, and the first message is the answer.
        try
        {
            var stored = await unitOfWork.RunAsync(connection, async unit =>
            {
                if (request.ClientMessageId is { } clientId)
                {
                    MessageStore.ClaimClientId(unit.Batch, channelId, caller.Id, clientId, row.Id, now, now - ClientMessageIds.Window);
                }
                MessageStore.Insert(unit.Batch, row);
                var link = MessageStore.LinkAttachments(unit.Batch, row.Id, channelId, caller.Id, request.AttachmentIds ?? []);
                if (link is not null)
                {
                    // The event carries the attachments that were linked: read them first.
                    await unit.FlushAsync();
                }
                var linked = link?.Rows.OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).Select(a => a.ToSnippet()).ToList() ?? [];
                var response = row.ToResponse(linked);
                unit.Add(RealtimeEvents.MessageNew(response, now) with { SkipFederation = !channel.IsFederated });
                return response;
            }, ct);
            return new SentMessage(stored, Replayed: false);
        }
        catch (PostgresException ex) when (MessageStore.IsClientIdTaken(ex))
        {
            return await FirstSendAsync(caller, channelId, request.ClientMessageId!, ct);
        }
    }

    // The claim lost to a committed send with the same client id: answer that message.
    private async Task<Outcome<SentMessage>> FirstSendAsync(CurrentUser caller, Guid channelId, string clientId, CancellationToken ct)
    {
        if (await messages.MessageOfClientIdAsync(channelId, caller.Id, clientId, ct) is { } firstId && await messages.GetAsync(firstId, ct) is { } first)
        {
            var attachments = await messages.AttachmentsOfAsync([firstId], ct);
            return new SentMessage(first.ToResponse(attachments[firstId].Select(a => a.ToSnippet()).ToList()), Replayed: true);
        }
        return Problem.ClientIdMessageGone;
    }

    public async Task<Outcome<MessageResponse>> EditAsync(CurrentUser caller, Guid messageId, EditMessageRequest request, CancellationToken ct)
    {
        if (request.Content!.Length > MessageLimits.MaxContentChars)
        {
            return Problem.MessageTooLarge;
        }
        var message = await messages.GetAsync(messageId, ct);
        if (message is null)
        {
            return Problem.MessageNotFound;
        }
        if (message.SenderId != caller.Id)
        {
            return Problem.EditOthersMessage;
        }
        if (!await channels.IsMemberAsync(message.ChannelId, caller.Id, ct))
        {
            // Leaving a channel ends the right to change what one wrote there (the SQL re-checks it).
            return Problem.NotChannelMember;
        }
        if (await EditRuleAsync(message, request.Content!, caller, ct) is { } refused)
        {
            return refused;
        }
        var now = DbTime.DbPrecision(time.GetUtcNow());
        var edited = message with { Content = request.Content!, EditedAt = now.UtcDateTime };
        var attachments = await messages.AttachmentsOfAsync([messageId], ct);
        var response = edited.ToResponse(attachments[messageId].Select(a => a.ToSnippet()).ToList());
        var editEvent = RealtimeEvents.MessageEdit(response.Id, message.ChannelId, response.Content, now);
        var updated = await unitOfWork.RunAsync(async unit =>
        {
            if (await messages.UpdateContentAsync(unit.Connection, unit.Transaction, messageId, caller.Id, edited.Content, now, ct) == 0)
            {
                return false;
            }
            unit.Add(editEvent);
            return true;
        }, ct);
        return updated ? response : Problem.MessageNotFound;
    }

    // An edit keeps the message's protocol version: a v3 message stays a well-formed v3 frame, and a
    // legacy plaintext message in an encrypted channel cannot take new plaintext.
    private async Task<Problem?> EditRuleAsync(MessageRow message, string content, CurrentUser caller, CancellationToken ct)
    {
        if (message.ProtocolVersion == MessageFrame.ProtocolVersion)
        {
            return MessageFrame.Problem(content) is { } frameProblem ? Problem.MalformedFrame(frameProblem) : null;
        }
        if ((message.ProtocolVersion ?? 1) == 1 && await channels.FindForUserAsync(message.ChannelId, caller.Id, ct) is { } channel
            && ChannelEncryption.IsEncrypted(channel.EncryptionType))
        {
            return Problem.PlaintextRefused;
        }
        return null;
    }

    public async Task<Outcome<bool>> DeleteAsync(CurrentUser caller, Guid messageId, CancellationToken ct)
    {
        var message = await messages.GetAsync(messageId, ct);
        if (message is null)
        {
            return Problem.MessageNotFound;
        }
        if (message.SenderId != caller.Id)
        {
            return Problem.DeleteOthersMessage;
        }
        if (!await channels.IsMemberAsync(message.ChannelId, caller.Id, ct))
        {
            // Leaving a channel ends the right to change what one wrote there (the SQL re-checks it).
            return Problem.NotChannelMember;
        }
        var deleted = RealtimeEvents.MessageDelete(messageId, message.ChannelId, time.GetUtcNow());
        var removed = await unitOfWork.RunAsync(async unit =>
        {
            if (await messages.DeleteAsync(unit.Connection, unit.Transaction, messageId, caller.Id, ct) == 0)
            {
                return false;
            }
            unit.Add(deleted);
            return true;
        }, ct);
        return removed ? true : Problem.MessageNotFound;
    }
}
