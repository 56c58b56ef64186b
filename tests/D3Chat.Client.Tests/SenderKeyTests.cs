using System.Text;
using D3Chat.Client.Crypto;

namespace D3Chat.Client.Tests;

/// <summary>Sender-key chains: every check of docs/crypto.md §4 in its order, each with its reason code.</summary>
public sealed class SenderKeyTests
{
    private static readonly Guid Channel = Guid.NewGuid();
    private static readonly Guid Sender = Guid.NewGuid();
    private static readonly Guid SenderDevice = Guid.NewGuid();

    private OwnChain _chain = SenderKeys.NewChain(Channel, DateTimeOffset.UnixEpoch);
    private ReceivedChain? _received;

    private byte[] Send(string text)
    {
        var (bytes, next) = SenderKeys.Encrypt(_chain, Sender, SenderDevice, Encoding.UTF8.GetBytes(text));
        _chain = next;
        return bytes;
    }

    private void Hand() => _received = SenderKeys.Accept(CurrentDistribution(), Sender, SenderDevice);

    private SenderKeyDistribution CurrentDistribution() => Wire.DecodeSenderKey(SenderKeys.Distribution(_chain).Encode()).Value!;

    private DecryptResult<string> Receive(byte[] bytes, Guid? channel = null, Guid? senderDevice = null, Guid? sender = null)
    {
        var result = SenderKeys.Decrypt(id => _received is { } r && r.ChainId.AsSpan().SequenceEqual(id) ? r : null,
            channel ?? Channel, sender ?? Sender, senderDevice ?? SenderDevice, bytes);
        if (!result.Ok)
        {
            return result.Reason;
        }
        _received = result.Value.Chain;
        return DecryptResult<string>.Success(Encoding.UTF8.GetString(result.Value.Plaintext));
    }

    [Fact]
    public void Messages_round_trip_out_of_order_and_a_replay_is_duplicate()
    {
        Hand();
        var messages = Enumerable.Range(0, 4).Select(i => Send($"m{i}")).ToList();
        Assert.Equal("m2", Receive(messages[2]).Value);
        Assert.Equal("m0", Receive(messages[0]).Value);
        Assert.Equal("m3", Receive(messages[3]).Value);
        Assert.Equal("m1", Receive(messages[1]).Value);
        Assert.Equal(DecryptFailureReason.Duplicate, Receive(messages[2]).Reason);
        Assert.Equal(DecryptFailureReason.Duplicate, Receive(messages[0]).Reason);
    }

    [Fact]
    public void A_distribution_survives_encoding()
    {
        Send("advance");
        var distribution = CurrentDistribution();
        Assert.Equal(Crypto.SenderKeyDistribution.Length, distribution.Encode().Length);
        Assert.Equal(1u, distribution.Index);
        Assert.Equal(Channel, distribution.ChannelId);
        Assert.Equal(_chain.ChainKey, distribution.ChainKey);
        Assert.Equal(_chain.Signing.PublicKey, distribution.SigningKey);
        Assert.Equal(distribution.ChainKey, SenderKeys.DistributionAt(_chain, 1).ChainKey);
    }

    [Fact]
    public void An_unknown_chain_is_unknown_chain()
    {
        Assert.Equal(DecryptFailureReason.UnknownChain, Receive(Send("x")).Reason);
    }

    [Fact]
    public void A_message_replayed_into_another_channel_is_wrong_channel()
    {
        Hand();
        Assert.Equal(DecryptFailureReason.WrongChannel, Receive(Send("x"), channel: Guid.NewGuid()).Reason);
    }

    [Fact]
    public void A_swapped_sender_device_or_user_is_wrong_sender()
    {
        Hand();
        var message = Send("x");
        Assert.Equal(DecryptFailureReason.WrongSender, Receive(message, senderDevice: Guid.NewGuid()).Reason);
        Assert.Equal(DecryptFailureReason.WrongSender, Receive(message, sender: Guid.NewGuid()).Reason);
        Assert.Equal("x", Receive(message).Value);
    }

    [Fact]
    public void A_tampered_message_or_signature_is_bad_signature()
    {
        Hand();
        var message = Send("x");
        var body = message.ToArray();
        body[30] ^= 1;
        Assert.Equal(DecryptFailureReason.BadSignature, Receive(body).Reason);
        var signature = message.ToArray();
        signature[^1] ^= 1;
        Assert.Equal(DecryptFailureReason.BadSignature, Receive(signature).Reason);
        Assert.Equal("x", Receive(message).Value);
    }

    [Fact]
    public void A_signed_message_that_does_not_open_is_bad_mac()
    {
        Hand();
        var decoded = Wire.DecodeGroup(Send("x")).Value!;
        var ciphertext = decoded.Ciphertext.ToArray();
        ciphertext[0] ^= 1;
        var aad = SenderKeys.Aad(Channel, SenderDevice, decoded.ChainId, decoded.Index);
        var forged = new GroupMessage(decoded.ChainId, decoded.Index, ciphertext, _chain.Signing.Sign(Bytes.Concat(aad, ciphertext)));
        Assert.Equal(DecryptFailureReason.BadMac, Receive(forged.Encode()).Reason);
        Assert.Equal(0u, _received!.NextIndex);
    }

    [Fact]
    public void A_message_before_the_device_got_the_chain_is_before_device_joined()
    {
        var early = Send("before");
        Hand();
        var late = Send("after");
        Assert.Equal(DecryptFailureReason.BeforeDeviceJoined, Receive(early).Reason);
        Assert.Equal("after", Receive(late).Value);
    }

    [Fact]
    public void A_jump_past_max_forward_jump_is_too_far_ahead_and_changes_nothing()
    {
        Hand();
        for (var i = 0; i <= Labels.MaxForwardJump; i++)
        {
            _chain = _chain with { Index = _chain.Index + 1, ChainKey = Ratchet.KdfCk(_chain.ChainKey).NextChainKey };
        }
        var before = _received;
        Assert.Equal(DecryptFailureReason.TooFarAhead, Receive(Send("far")).Reason);
        Assert.Same(before, _received);
    }

    [Fact]
    public void Skipped_group_keys_are_capped()
    {
        Hand();
        var first = Send("first");
        for (var i = 0; i < Labels.MaxSkippedKeys; i++)
        {
            Send("skipped");
        }
        Assert.Equal("last", Receive(Send("last")).Value);
        Assert.Equal(Labels.MaxSkippedKeys, _received!.SkippedKeys.Count);
        Assert.Equal(DecryptFailureReason.Duplicate, Receive(first).Reason);
    }

    [Fact]
    public void Wrong_version_is_unsupported_version_a_p256_chain_is_legacy_and_short_input_is_malformed()
    {
        Hand();
        var message = Send("x");
        Assert.Equal(Labels.ChainVersion, message[0]);
        message[0] = 0x02;
        Assert.Equal(DecryptFailureReason.UnsupportedVersion, Receive(message).Reason);
        message[0] = Labels.LegacyChainVersion;
        Assert.Equal(DecryptFailureReason.LegacyProtocol, Receive(message).Reason);
        Assert.Equal(DecryptFailureReason.Malformed, Receive([Labels.ChainVersion, Labels.TypeGroup, 0]).Reason);
        Assert.Equal(DecryptFailureReason.Malformed, Receive([]).Reason);
    }

    [Fact]
    public void Rotation_is_due_after_100_messages_or_7_days_or_when_flagged()
    {
        var now = DateTimeOffset.UnixEpoch;
        Assert.False(SenderKeys.NeedsRotation(_chain, now));
        Assert.True(SenderKeys.NeedsRotation(_chain with { Index = Labels.RotateAfterMessages }, now));
        Assert.False(SenderKeys.NeedsRotation(_chain with { Index = Labels.RotateAfterMessages - 1 }, now));
        Assert.True(SenderKeys.NeedsRotation(_chain, now.AddSeconds(Labels.RotateAfterSeconds)));
        Assert.True(SenderKeys.NeedsRotation(_chain with { RotationDue = true }, now));
    }
}
