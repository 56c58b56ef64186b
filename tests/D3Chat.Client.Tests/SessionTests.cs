using D3Chat.Client.Crypto;

namespace D3Chat.Client.Tests;

/// <summary>X3DH and the Double Ratchet through the pairwise API, between two devices held in memory.</summary>
public sealed class SessionTests
{
    private sealed class Device
    {
        public Guid UserId { get; } = Guid.NewGuid();
        public Guid DeviceId { get; } = Guid.NewGuid();
        public Crypto.DeviceKeys Keys { get; set; } = Crypto.DeviceKeys.Generate(3);
        public Dictionary<Guid, PeerSessions> Sessions { get; } = [];

        public PreKeyBundle Bundle(bool withOneTimeKey = true) => new(UserId, DeviceId, Keys.Identity.PublicKey, Keys.Signing.PublicKey,
            Keys.SignedPreKey.PublicKey, Keys.SignedPreKeySignature, withOneTimeKey ? Keys.OneTimePreKeys[0].PublicKey : null);

        public void StartSessionWith(Device peer, bool withOneTimeKey = true)
        {
            var bundle = peer.Bundle(withOneTimeKey);
            Assert.True(Crypto.Keys.VerifyBundle(bundle));
            var ephemeral = EcKeyPair.Generate();
            var secret = X3dh.Initiate(Keys.Identity, DeviceId, bundle, ephemeral);
            Sessions[peer.DeviceId] = new PeerSessions(Session.Initiate(secret, Keys.Identity, bundle, ephemeral), []);
        }

        public byte[] Send(Device peer, string text)
        {
            var sessions = Sessions[peer.DeviceId];
            var (bytes, next) = Session.Encrypt(sessions.Current, System.Text.Encoding.UTF8.GetBytes(text));
            Sessions[peer.DeviceId] = sessions with { Current = next };
            return bytes;
        }

        public DecryptResult<string> Receive(Device sender, byte[] bytes, bool commit = true)
        {
            var result = Session.DecryptPairwise(Keys, DeviceId, sender.UserId, sender.DeviceId, sender.Keys.Identity.PublicKey,
                Sessions.GetValueOrDefault(sender.DeviceId), bytes);
            if (!result.Ok)
            {
                return result.Reason;
            }
            if (commit)
            {
                Sessions[sender.DeviceId] = result.Value!.Sessions;
                Keys = result.Value.Keys;
            }
            return DecryptResult<string>.Success(System.Text.Encoding.UTF8.GetString(result.Value!.Plaintext));
        }
    }

    private static (Device Alice, Device Bob) Pair(bool withOneTimeKey = true)
    {
        var alice = new Device();
        var bob = new Device();
        alice.StartSessionWith(bob, withOneTimeKey);
        return (alice, bob);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Messages_round_trip_both_ways_with_and_without_a_one_time_key(bool withOneTimeKey)
    {
        var (alice, bob) = Pair(withOneTimeKey);
        var first = alice.Send(bob, "hi bob");
        Assert.Equal(Labels.TypePrekey, first[1]);
        Assert.Equal("hi bob", bob.Receive(alice, first).Value);
        Assert.Equal("hi alice", alice.Receive(bob, bob.Send(alice, "hi alice")).Value);
        var afterReply = alice.Send(bob, "again");
        Assert.Equal(Labels.TypeRatchet, afterReply[1]);
        Assert.Equal("again", bob.Receive(alice, afterReply).Value);
    }

    [Fact]
    public void The_used_one_time_key_is_deleted_after_the_first_message()
    {
        var (alice, bob) = Pair();
        var used = bob.Keys.OneTimePreKeys[0].PublicKey;
        bob.Receive(alice, alice.Send(bob, "x"));
        Assert.Null(bob.Keys.FindOneTimePreKey(used));
        Assert.Equal(2, bob.Keys.OneTimePreKeys.Count);
    }

    [Fact]
    public void Out_of_order_messages_decrypt_and_a_replay_is_duplicate()
    {
        var (alice, bob) = Pair();
        var messages = Enumerable.Range(0, 5).Select(i => alice.Send(bob, $"m{i}")).ToList();
        Assert.Equal("m3", bob.Receive(alice, messages[3]).Value);
        Assert.Equal("m0", bob.Receive(alice, messages[0]).Value);
        Assert.Equal("m4", bob.Receive(alice, messages[4]).Value);
        Assert.Equal("m1", bob.Receive(alice, messages[1]).Value);
        Assert.Equal(DecryptFailureReason.Duplicate, bob.Receive(alice, messages[3]).Reason);
        Assert.Equal(DecryptFailureReason.Duplicate, bob.Receive(alice, messages[0]).Reason);
        Assert.Equal("m2", bob.Receive(alice, messages[2]).Value);
    }

    [Fact]
    public void A_message_from_a_previous_ratchet_step_still_decrypts_late()
    {
        var (alice, bob) = Pair();
        bob.Receive(alice, alice.Send(bob, "open"));
        var late = alice.Send(bob, "late");
        alice.Receive(bob, bob.Send(alice, "reply"));
        bob.Receive(alice, alice.Send(bob, "new step"));
        Assert.Equal("late", bob.Receive(alice, late).Value);
    }

    [Fact]
    public void A_jump_over_max_forward_jump_is_too_far_ahead_and_at_the_limit_decrypts()
    {
        var (alice, bob) = Pair();
        bob.Receive(alice, alice.Send(bob, "open"));
        for (var i = 0; i < Labels.MaxForwardJump; i++)
        {
            alice.Send(bob, "skipped");
        }
        var atLimit = alice.Send(bob, "at limit");
        Assert.Equal("at limit", bob.Receive(alice, atLimit, commit: false).Value);
        var beyond = alice.Send(bob, "beyond");
        Assert.Equal(DecryptFailureReason.TooFarAhead, bob.Receive(alice, beyond).Reason);
    }

    [Fact]
    public void Skipped_keys_are_capped_oldest_first()
    {
        var (alice, bob) = Pair();
        var first = alice.Send(bob, "first");
        var second = alice.Send(bob, "second");
        for (var i = 0; i < Labels.MaxSkippedKeys; i++)
        {
            alice.Send(bob, "skipped");
        }
        Assert.Equal("open", bob.Receive(alice, alice.Send(bob, "open")).Value);
        Assert.Equal(Labels.MaxSkippedKeys, bob.Sessions[alice.DeviceId].Current.SkippedKeys.Count);
        Assert.Equal(DecryptFailureReason.Duplicate, bob.Receive(alice, second).Reason);
        Assert.Equal(DecryptFailureReason.Duplicate, bob.Receive(alice, first).Reason);
    }

    [Fact]
    public void A_repeated_prekey_header_reuses_the_session()
    {
        var (alice, bob) = Pair();
        var one = alice.Send(bob, "one");
        var two = alice.Send(bob, "two");
        Assert.Equal(Labels.TypePrekey, two[1]);
        Assert.Equal("two", bob.Receive(alice, two).Value);
        Assert.Equal("one", bob.Receive(alice, one).Value);
        Assert.Single(bob.Sessions[alice.DeviceId].All);
    }

    [Fact]
    public void Simultaneous_sessions_converge()
    {
        var alice = new Device();
        var bob = new Device();
        alice.StartSessionWith(bob);
        bob.StartSessionWith(alice);
        var fromAlice = alice.Send(bob, "a1");
        var fromBob = bob.Send(alice, "b1");
        Assert.Equal("a1", bob.Receive(alice, fromAlice).Value);
        Assert.Equal("b1", alice.Receive(bob, fromBob).Value);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal($"a{i}", bob.Receive(alice, alice.Send(bob, $"a{i}")).Value);
            Assert.Equal($"b{i}", alice.Receive(bob, bob.Send(alice, $"b{i}")).Value);
        }
    }

    [Fact]
    public void Ratchet_message_without_session_is_no_session()
    {
        var (alice, bob) = Pair();
        bob.Receive(alice, alice.Send(bob, "open"));
        var ratchet = bob.Send(alice, "reply");
        var stranger = new Device();
        Assert.Equal(DecryptFailureReason.NoSession, stranger.Receive(bob, ratchet).Reason);
    }

    [Fact]
    public void Unknown_signed_or_one_time_prekey_is_unknown_prekey()
    {
        var (alice, bob) = Pair();
        var message = alice.Send(bob, "x");
        var rotated = bob.Keys;
        bob.Keys = rotated with { OneTimePreKeys = rotated.OneTimePreKeys.Skip(1).ToList() };
        Assert.Equal(DecryptFailureReason.UnknownPrekey, bob.Receive(alice, message).Reason);
        bob.Keys = Crypto.DeviceKeys.Generate(1) with { Identity = rotated.Identity };
        Assert.Equal(DecryptFailureReason.UnknownPrekey, bob.Receive(alice, message).Reason);
    }

    [Fact]
    public void A_prekey_message_whose_identity_is_not_the_listed_one_is_untrusted_identity()
    {
        var (alice, bob) = Pair();
        var message = alice.Send(bob, "x");
        var result = Session.DecryptPairwise(bob.Keys, bob.DeviceId, alice.UserId, alice.DeviceId, EcKeyPair.Generate().PublicKey, null, message);
        Assert.Equal(DecryptFailureReason.UntrustedIdentity, result.Reason);
        Assert.Equal(DecryptFailureReason.UntrustedIdentity,
            Session.DecryptPairwise(bob.Keys, bob.DeviceId, alice.UserId, alice.DeviceId, null, null, message).Reason);
    }

    [Fact]
    public void A_relabelled_sender_device_is_bad_mac()
    {
        var (alice, bob) = Pair();
        var message = alice.Send(bob, "x");
        var result = Session.DecryptPairwise(bob.Keys, bob.DeviceId, alice.UserId, Guid.NewGuid(), alice.Keys.Identity.PublicKey, null, message);
        Assert.Equal(DecryptFailureReason.BadMac, result.Reason);
    }

    [Fact]
    public void A_tampered_ciphertext_is_bad_mac_and_changes_nothing()
    {
        var (alice, bob) = Pair();
        bob.Receive(alice, alice.Send(bob, "open"));
        var before = bob.Sessions[alice.DeviceId];
        var message = alice.Send(bob, "x");
        message[^1] ^= 1;
        Assert.Equal(DecryptFailureReason.BadMac, bob.Receive(alice, message).Reason);
        Assert.Same(before, bob.Sessions[alice.DeviceId]);
        message[^1] ^= 1;
        Assert.Equal("x", bob.Receive(alice, message).Value);
    }

    [Fact]
    public void Wrong_version_is_unsupported_version_and_garbage_is_malformed()
    {
        var (alice, bob) = Pair();
        var message = alice.Send(bob, "x");
        message[0] = 0x02;
        Assert.Equal(DecryptFailureReason.UnsupportedVersion, bob.Receive(alice, message).Reason);
        Assert.Equal(DecryptFailureReason.Malformed, bob.Receive(alice, [Labels.Version]).Reason);
        Assert.Equal(DecryptFailureReason.Malformed, bob.Receive(alice, [Labels.Version, Labels.TypeGroup, 1, 2]).Reason);
        Assert.Equal(DecryptFailureReason.Malformed, bob.Receive(alice, [Labels.Version, Labels.TypePrekey, 1, 2]).Reason);
    }

    [Fact]
    public void A_bundle_with_a_bad_signature_or_no_signing_key_does_not_verify()
    {
        var bob = new Device();
        Assert.True(Keys.VerifyBundle(bob.Bundle()));
        Assert.False(Keys.VerifyBundle(bob.Bundle() with { SigningKey = null }));
        Assert.False(Keys.VerifyBundle(bob.Bundle() with { SigningKey = EcKeyPair.Generate().PublicKey }));
        Assert.False(Keys.VerifyBundle(bob.Bundle() with { SignedPreKey = EcKeyPair.Generate().PublicKey }));
        Assert.False(Keys.VerifyBundle(bob.Bundle() with { IdentityKey = EcKeyPair.Generate().PublicKey }));
    }
}
