using System.Text;
using System.Text.Json;
using D3Chat.Client.Crypto;
using D3Chat.Client.E2ee;
using D3Chat.Client.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;

namespace D3Chat.Client.Tests;

/// <summary>The encrypting client end to end against an in-memory key server: groups, DMs, devices, rotation, safety numbers.</summary>
public sealed class E2eeClientTests
{
    private readonly FakeKeyServer _server = new();
    private readonly Guid _channel = Guid.NewGuid();

    private async Task<Party[]> MembersAsync(int count)
    {
        var parties = new Party[count];
        for (var i = 0; i < count; i++)
        {
            parties[i] = await Party.CreateAsync(_server);
            _server.AddMember(_channel, parties[i].UserId);
        }
        return parties;
    }

    [Fact]
    public async Task Every_member_device_reads_a_group_message_including_the_senders_other_device()
    {
        var (alice, bob) = (await MembersAsync(2)) switch { var p => (p[0], p[1]) };
        var alicePhone = await Party.CreateAsync(_server, alice.UserId);
        var message = await alice.SendAsync(_channel, "hello group");
        Assert.Equal(Labels.ProtocolVersion, message.ProtocolVersion);
        Assert.Equal("hello group", await bob.ReadAsync(message));
        Assert.Equal("hello group", await alicePhone.ReadAsync(message));
        Assert.Equal("hello group", await alice.ReadAsync(message));
        var reply = await bob.SendAsync(_channel, "and back");
        Assert.Equal("and back", await alice.ReadAsync(reply));
        Assert.Equal("and back", await alicePhone.ReadAsync(reply));
    }

    [Fact]
    public async Task A_send_asks_the_server_once_for_every_members_devices_not_once_per_member()
    {
        var parties = await MembersAsync(4);
        await parties[0].SendAsync(_channel, "first");
        var before = (Channel: _server.ChannelDeviceLists, User: _server.UserDeviceLists);
        var message = await parties[0].SendAsync(_channel, "second");
        Assert.Equal((1, 0), (_server.ChannelDeviceLists - before.Channel, _server.UserDeviceLists - before.User));
        foreach (var reader in parties[1..])
        {
            Assert.Equal("second", await reader.ReadAsync(message));
        }
    }

    [Fact]
    public async Task A_dm_is_a_two_member_channel_and_works_both_ways_out_of_order()
    {
        var parties = await MembersAsync(2);
        var (alice, bob) = (parties[0], parties[1]);
        var sent = new List<IncomingMessage>();
        for (var i = 0; i < 4; i++)
        {
            sent.Add(await alice.SendAsync(_channel, $"a{i}"));
        }
        Assert.Equal("a3", await bob.ReadAsync(sent[3]));
        Assert.Equal("a1", await bob.ReadAsync(sent[1]));
        Assert.Equal(DecryptFailureReason.Duplicate, await bob.FailAsync(sent[1]));
        Assert.Equal("a0", await bob.ReadAsync(sent[0]));
        Assert.Equal("a2", await bob.ReadAsync(sent[2]));
        Assert.Equal("b0", await alice.ReadAsync(await bob.SendAsync(_channel, "b0")));
    }

    [Fact]
    public async Task A_member_who_left_cannot_read_what_comes_after()
    {
        var (alice, bob, carol) = (await MembersAsync(3)) switch { var p => (p[0], p[1], p[2]) };
        Assert.Equal("before", await carol.ReadAsync(await alice.SendAsync(_channel, "before")));
        _server.RemoveMember(_channel, carol.UserId);
        var after = await alice.SendAsync(_channel, "after");
        Assert.Equal("after", await bob.ReadAsync(after));
        Assert.Equal(DecryptFailureReason.UnknownChain, await carol.FailAsync(after));
    }

    [Fact]
    public async Task Members_changed_rotates_the_chain_before_the_next_message()
    {
        var (alice, bob) = (await MembersAsync(2)) switch { var p => (p[0], p[1]) };
        await alice.SendAsync(_channel, "one");
        var chainBefore = (await alice.StateAsync()).OwnChains[_channel].ChainId;
        await alice.Client.MembersChangedAsync(_channel);
        Assert.Equal("two", await bob.ReadAsync(await alice.SendAsync(_channel, "two")));
        Assert.NotEqual(chainBefore, (await alice.StateAsync()).OwnChains[_channel].ChainId);
    }

    [Fact]
    public async Task A_device_added_later_reads_what_comes_after_it_and_nothing_before()
    {
        var (alice, bob) = (await MembersAsync(2)) switch { var p => (p[0], p[1]) };
        var before = await alice.SendAsync(_channel, "before");
        Assert.Equal("before", await bob.ReadAsync(before));
        var bobTablet = await Party.CreateAsync(_server, bob.UserId);
        var after = await alice.SendAsync(_channel, "after");
        Assert.Equal("after", await bobTablet.ReadAsync(after));
        Assert.Equal(DecryptFailureReason.BeforeDeviceJoined, await bobTablet.FailAsync(before));
        Assert.Equal("after", await bob.ReadAsync(after));
    }

    [Fact]
    public async Task A_reader_that_fetches_late_still_gets_the_chain_from_its_first_index()
    {
        var (alice, bob) = (await MembersAsync(2)) switch { var p => (p[0], p[1]) };
        var first = await alice.SendAsync(_channel, "first");
        await Party.CreateAsync(_server, bob.UserId);
        await alice.SendAsync(_channel, "second");
        Assert.Equal("first", await bob.ReadAsync(first));
    }

    [Fact]
    public async Task A_device_removed_from_the_directory_makes_the_chain_rotate()
    {
        var (alice, bob) = (await MembersAsync(2)) switch { var p => (p[0], p[1]) };
        var bobOld = await Party.CreateAsync(_server, bob.UserId);
        Assert.Equal("x", await bobOld.ReadAsync(await alice.SendAsync(_channel, "x")));
        _server.RemoveDevice(bobOld.DeviceId);
        var after = await alice.SendAsync(_channel, "after");
        Assert.Equal("after", await bob.ReadAsync(after));
        Assert.Equal(DecryptFailureReason.UnknownChain, await bobOld.FailAsync(after));
    }

    [Fact]
    public async Task The_chain_rotates_after_100_messages_and_after_7_days()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T00:00:00Z"));
        var alice = await Party.CreateAsync(_server, time: time);
        var bob = await Party.CreateAsync(_server, time: time);
        _server.AddMember(_channel, alice.UserId);
        _server.AddMember(_channel, bob.UserId);
        for (var i = 0; i < Labels.RotateAfterMessages; i++)
        {
            await alice.SendAsync(_channel, "m");
        }
        var first = (await alice.StateAsync()).OwnChains[_channel].ChainId;
        Assert.Equal("101st", await bob.ReadAsync(await alice.SendAsync(_channel, "101st")));
        var second = (await alice.StateAsync()).OwnChains[_channel].ChainId;
        Assert.NotEqual(first, second);
        time.Advance(TimeSpan.FromSeconds(Labels.RotateAfterSeconds));
        Assert.Equal("week later", await bob.ReadAsync(await alice.SendAsync(_channel, "week later")));
        Assert.NotEqual(second, (await alice.StateAsync()).OwnChains[_channel].ChainId);
    }

    [Fact]
    public async Task A_server_that_swaps_sender_device_or_replays_into_another_channel_is_detected()
    {
        var (alice, bob) = (await MembersAsync(2)) switch { var p => (p[0], p[1]) };
        var alicePhone = await Party.CreateAsync(_server, alice.UserId);
        var message = await alice.SendAsync(_channel, "x");
        Assert.Equal(DecryptFailureReason.WrongSender, await bob.FailAsync(message with { SenderDeviceId = alicePhone.DeviceId }));
        var other = Guid.NewGuid();
        _server.AddMember(other, alice.UserId);
        _server.AddMember(other, bob.UserId);
        await alice.SendAsync(other, "open the other _channel");
        Assert.Equal(DecryptFailureReason.WrongChannel, await bob.FailAsync(message with { ChannelId = other }));
        Assert.Equal("x", await bob.ReadAsync(message));
    }

    [Fact]
    public async Task A_plaintext_or_reference_message_is_legacy_protocol()
    {
        var (_, bob) = (await MembersAsync(2)) switch { var p => (p[0], p[1]) };
        Assert.Equal(DecryptFailureReason.LegacyProtocol,
            await bob.FailAsync(new IncomingMessage(_channel, Guid.NewGuid(), Guid.NewGuid(), "hello in the clear", 1)));
        Assert.Equal(DecryptFailureReason.LegacyProtocol,
            await bob.FailAsync(new IncomingMessage(_channel, Guid.NewGuid(), Guid.NewGuid(), "AgAAAA==", 2)));
    }

    [Fact]
    public async Task A_message_without_sender_device_or_not_base64_is_malformed()
    {
        var (alice, bob) = (await MembersAsync(2)) switch { var p => (p[0], p[1]) };
        var message = await alice.SendAsync(_channel, "x");
        Assert.Equal(DecryptFailureReason.Malformed, await bob.FailAsync(message with { SenderDeviceId = null }));
        Assert.Equal(DecryptFailureReason.Malformed, await bob.FailAsync(message with { Content = "not base64!" }));
    }

    [Fact]
    public async Task An_envelope_addressed_to_another_device_is_not_a_recipient()
    {
        var (alice, bob) = (await MembersAsync(2)) switch { var p => (p[0], p[1]) };
        await alice.SendAsync(_channel, "x");
        _server.TamperEnvelope = e => e with { RecipientDeviceId = Guid.NewGuid() };
        var failures = await bob.Client.ReceiveSenderKeysAsync(_channel);
        Assert.Equal([new EnvelopeFailure(alice.DeviceId, DecryptFailureReason.NotARecipient)], failures);
    }

    [Fact]
    public async Task An_envelope_relabelled_to_another_sender_device_is_untrusted_or_bad_mac()
    {
        var (alice, bob) = (await MembersAsync(2)) switch { var p => (p[0], p[1]) };
        var alicePhone = await Party.CreateAsync(_server, alice.UserId);
        await alice.SendAsync(_channel, "x");
        _server.TamperEnvelope = e => e with { SenderDeviceId = alicePhone.DeviceId };
        var failures = await bob.Client.ReceiveSenderKeysAsync(_channel);
        Assert.Equal([new EnvelopeFailure(alicePhone.DeviceId, DecryptFailureReason.UntrustedIdentity)], failures);
    }

    [Fact]
    public async Task A_failed_decrypt_changes_no_stored_state()
    {
        var (alice, bob) = (await MembersAsync(2)) switch { var p => (p[0], p[1]) };
        var message = await alice.SendAsync(_channel, "x");
        Assert.Equal("warm up", await bob.ReadAsync(await alice.SendAsync(_channel, "warm up")));
        var before = await bob.StateAsync();
        var bytes = Convert.FromBase64String(message.Content);
        bytes[^1] ^= 1;
        Assert.Equal(DecryptFailureReason.BadSignature, await bob.FailAsync(message with { Content = Convert.ToBase64String(bytes) }));
        Assert.Equal(DecryptFailureReason.WrongSender, await bob.FailAsync(message with { SenderUserId = Guid.NewGuid() }));
        Assert.Same(before, await bob.StateAsync());
        Assert.Equal("x", await bob.ReadAsync(message));
    }

    [Fact]
    public async Task A_listed_device_without_a_signing_key_means_an_exception_and_nothing_posted()
    {
        var (alice, bob) = (await MembersAsync(2)) switch { var p => (p[0], p[1]) };
        var stranger = Guid.NewGuid();
        await _server.DirectoryFor(stranger).UploadDeviceKeysAsync(new DeviceKeyUpload(Guid.NewGuid(),
            Convert.ToBase64String(EcKeyPair.Generate().PublicKey), Convert.ToBase64String(EcKeyPair.Generate().PublicKey), "", "", []));
        _server.AddMember(_channel, stranger);
        var error = await Assert.ThrowsAsync<EncryptionUnavailableException>(() => alice.SendAsync(_channel, "secret"));
        Assert.Equal("untrusted_identity", error.Reason);
        Assert.Equal(0, _server.EnvelopePosts);
        Assert.Empty((await alice.StateAsync()).OwnChains);
        _ = bob;
    }

    [Fact]
    public async Task An_unverifiable_bundle_means_an_exception_and_nothing_posted()
    {
        var (alice, _) = (await MembersAsync(2)) switch { var p => (p[0], p[1]) };
        _server.TamperBundle = b => b with { SignedPreKey = Convert.ToBase64String(EcKeyPair.Generate().PublicKey) };
        var error = await Assert.ThrowsAsync<EncryptionUnavailableException>(() => alice.SendAsync(_channel, "secret"));
        Assert.Equal("untrusted_identity", error.Reason);
        Assert.Equal(0, _server.EnvelopePosts);
    }

    [Fact]
    public async Task Encryption_fails_visibly_without_bundle_membership_devices_or_own_keys()
    {
        var (alice, bob) = (await MembersAsync(2)) switch { var p => (p[0], p[1]) };
        _server.WithoutBundle.Add(bob.DeviceId);
        var error = await Assert.ThrowsAsync<EncryptionUnavailableException>(() => alice.SendAsync(_channel, "secret"));
        Assert.Equal("no_bundle", error.Reason);
        Assert.Equal(0, _server.EnvelopePosts);
        var outsider = await Party.CreateAsync(_server);
        Assert.Equal("not_a_member", (await Assert.ThrowsAsync<EncryptionUnavailableException>(() => outsider.SendAsync(_channel, "x"))).Reason);
        var deviceless = Guid.NewGuid();
        _server.AddMember(_channel, deviceless);
        _server.WithoutBundle.Clear();
        Assert.Equal("no_devices", (await Assert.ThrowsAsync<EncryptionUnavailableException>(() => alice.SendAsync(_channel, "x"))).Reason);
        var keyless = await E2eeClient.OpenAsync(Guid.NewGuid(), Guid.NewGuid(), _server.DirectoryFor(Guid.NewGuid()), new InMemoryProtocolStore());
        Assert.Equal("no_keys", (await Assert.ThrowsAsync<EncryptionUnavailableException>(() => keyless.EncryptMessageAsync(_channel, new MessagePayload("x")))).Reason);
    }

    [Fact]
    public async Task One_time_keys_are_topped_up_to_100_when_fewer_than_20_remain()
    {
        var bob = await Party.CreateAsync(_server);
        Assert.Equal(Labels.OneTimePrekeys, _server.OneTimeKeysLeft(bob.DeviceId));
        var directory = _server.DirectoryFor(Guid.NewGuid());
        for (var i = 0; i < Labels.OneTimePrekeys - Labels.ReplenishBelow; i++)
        {
            await directory.ClaimBundleAsync(bob.UserId, bob.DeviceId);
        }
        await bob.Client.EnsureDeviceKeysAsync();
        Assert.Equal(Labels.ReplenishBelow, _server.OneTimeKeysLeft(bob.DeviceId));
        await directory.ClaimBundleAsync(bob.UserId, bob.DeviceId);
        await bob.Client.EnsureDeviceKeysAsync();
        Assert.Equal(Labels.OneTimePrekeys, _server.OneTimeKeysLeft(bob.DeviceId));
        Assert.Equal(Labels.OneTimePrekeys + Labels.OneTimePrekeys - Labels.ReplenishBelow + 1, (await bob.StateAsync()).Keys!.OneTimePreKeys.Count);
    }

    [Fact]
    public async Task Safety_numbers_match_on_both_sides_and_a_new_device_is_reported_until_accepted()
    {
        var (alice, bob) = (await MembersAsync(2)) switch { var p => (p[0], p[1]) };
        var aliceView = await alice.Client.SafetyNumberAsync(bob.UserId);
        var bobView = await bob.Client.SafetyNumberAsync(alice.UserId);
        Assert.Matches("^[0-9]{5}( [0-9]{5}){11}$", aliceView.Digits);
        Assert.Equal(aliceView.Digits, bobView.Digits);
        Assert.False(aliceView.Changed);
        var events = new List<SafetyNumberChanged>();
        alice.Client.SafetyNumberChanged += events.Add;
        await Party.CreateAsync(_server, bob.UserId);
        await alice.SendAsync(_channel, "to every device");
        Assert.Equal([new SafetyNumberChanged(bob.UserId)], events);
        var changed = await alice.Client.SafetyNumberAsync(bob.UserId);
        Assert.True(changed.Changed);
        Assert.NotEqual(aliceView.Digits, changed.Digits);
        await alice.Client.AcceptSafetyNumberAsync(bob.UserId);
        Assert.False((await alice.Client.SafetyNumberAsync(bob.UserId)).Changed);
        Assert.Single(events);
    }

    [Fact]
    public async Task Attachments_round_trip_and_a_swapped_blob_or_key_is_bad_mac()
    {
        var content = Encoding.UTF8.GetBytes("holiday photo bytes");
        var (blob, reference) = E2eeClient.EncryptAttachment(content, "photo.jpg", "image/jpeg");
        Assert.Equal(content, E2eeClient.DecryptAttachment(blob, reference).Value);
        Assert.Equal(content.Length, reference.Size);
        var other = E2eeClient.EncryptAttachment(content, "photo.jpg", "image/jpeg");
        Assert.Equal(DecryptFailureReason.BadMac, E2eeClient.DecryptAttachment(other.Blob, reference).Reason);
        Assert.Equal(DecryptFailureReason.BadMac, E2eeClient.DecryptAttachment(blob, reference with { Key = other.Ref.Key }).Reason);
        Assert.Equal(DecryptFailureReason.Malformed, E2eeClient.DecryptAttachment(blob, reference with { Key = "??" }).Reason);
    }

    [Fact]
    public async Task Attachment_references_travel_inside_the_encrypted_message()
    {
        var (alice, bob) = (await MembersAsync(2)) switch { var p => (p[0], p[1]) };
        var (blob, reference) = E2eeClient.EncryptAttachment([1, 2, 3], "secret-plans.pdf", "application/pdf");
        var encrypted = await alice.Client.EncryptMessageAsync(_channel, new MessagePayload("see file", [reference with { Id = "att-1" }]));
        Assert.DoesNotContain("secret-plans", encrypted.Content);
        var result = await bob.Client.DecryptMessageAsync(new IncomingMessage(_channel, alice.UserId, alice.DeviceId, encrypted.Content, 3));
        var received = Assert.Single(result.Value!.Attachments!);
        Assert.Equal("secret-plans.pdf", received.Name);
        Assert.Equal([1, 2, 3], E2eeClient.DecryptAttachment(blob, received).Value);
    }

    [Fact]
    public async Task State_survives_its_json_form_and_the_conversation_continues()
    {
        var (alice, bob) = (await MembersAsync(2)) switch { var p => (p[0], p[1]) };
        Assert.Equal("one", await bob.ReadAsync(await alice.SendAsync(_channel, "one")));
        var json = JsonSerializer.Serialize(await bob.StateAsync(), StateJson.Options);
        var restoredStore = new InMemoryProtocolStore();
        await restoredStore.SaveAsync(JsonSerializer.Deserialize<ProtocolState>(json, StateJson.Options)!);
        var restored = await E2eeClient.OpenAsync(bob.UserId, bob.DeviceId, _server.DirectoryFor(bob.UserId), restoredStore);
        var two = await alice.SendAsync(_channel, "two");
        Assert.Equal("two", (await restored.DecryptMessageAsync(two)).Value!.Text);
        var reply = await restored.EncryptMessageAsync(_channel, new MessagePayload("reply"));
        Assert.Equal("reply", await alice.ReadAsync(new IncomingMessage(_channel, bob.UserId, bob.DeviceId, reply.Content, 3)));
    }

    [Fact]
    public async Task Wipe_forgets_every_key_and_chain()
    {
        var (alice, bob) = (await MembersAsync(2)) switch { var p => (p[0], p[1]) };
        var message = await alice.SendAsync(_channel, "x");
        Assert.Equal("x", await bob.ReadAsync(message));
        await bob.Client.WipeAsync();
        Assert.Null(await bob.Store.LoadAsync(bob.DeviceId));
        Assert.Equal(DecryptFailureReason.UnknownChain, await bob.FailAsync(await alice.SendAsync(_channel, "y")));
    }
}
