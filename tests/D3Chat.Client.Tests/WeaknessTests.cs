using System.Text;
using System.Text.Json;
using D3Chat.Client.Crypto;
using D3Chat.Client.E2ee;
using D3Chat.Client.Tests.Fakes;

namespace D3Chat.Client.Tests;

/// <summary>
/// One test per weakness of the reference client (listed in docs/crypto.md §12) that applies to this client, named for it,
/// showing it is gone. 14 (access tokens in attachment URLs) is about the HTTP client, not the crypto module: not here.
/// </summary>
public sealed class WeaknessTests
{
    private readonly FakeKeyServer _server = new();
    private readonly Guid _channel = Guid.NewGuid();

    private async Task<(Party Alice, Party Bob)> PairAsync()
    {
        var alice = await Party.CreateAsync(_server);
        var bob = await Party.CreateAsync(_server);
        _server.AddMember(_channel, alice.UserId);
        _server.AddMember(_channel, bob.UserId);
        return (alice, bob);
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    private static byte[] Decode(string text)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return Encoding.UTF8.GetBytes(text);
        }
    }

    [Fact]
    public async Task Weakness01_group_chain_keys_never_reach_the_server_in_plaintext()
    {
        var (alice, bob) = await PairAsync();
        var carol = await Party.CreateAsync(_server);
        Assert.Equal("group", await bob.ReadAsync(await alice.SendAsync(_channel, "group")));
        var chain = (await alice.StateAsync()).OwnChains[_channel];
        var sent = _server.SentStrings.Select(Decode).ToList();
        Assert.DoesNotContain(sent, s => Contains(s, chain.StartChainKey) || Contains(s, chain.ChainKey));
        Assert.DoesNotContain(sent, s => Contains(s, chain.Signing.Seed));
        Assert.Equal(DecryptFailureReason.UnknownChain, await carol.FailAsync(await alice.SendAsync(_channel, "not for carol")));
    }

    [Fact]
    public void Weakness02_pairwise_sessions_have_forward_secrecy_and_recover_after_compromise()
    {
        var aliceId = (User: Guid.NewGuid(), Device: Guid.NewGuid());
        var alice = Crypto.DeviceKeys.Generate(1);
        var bob = Crypto.DeviceKeys.Generate(1);
        var bobDevice = Guid.NewGuid();
        var bundle = new PreKeyBundle(Guid.NewGuid(), bobDevice, bob.Identity.PublicKey, bob.Signing.PublicKey, bob.SignedPreKey.PublicKey, bob.SignedPreKeySignature, bob.OneTimePreKeys[0].PublicKey);
        var ephemeral = EcKeyPair.Generate();
        var aliceSession = Session.Initiate(X3dh.Initiate(alice.Identity, aliceId.Device, bundle, ephemeral), alice.Identity, bundle, ephemeral);
        var (first, a1) = Session.Encrypt(aliceSession, "one"u8.ToArray());
        var bobSide = Session.DecryptPairwise(bob, bobDevice, aliceId.User, aliceId.Device, alice.Identity.PublicKey, null, first).Value!;
        var compromised = bobSide.Sessions;
        // Forward secrecy: the state after a message holds no key that opens that message again.
        Assert.Equal(DecryptFailureReason.Duplicate, Session.DecryptPairwise(bobSide.Keys, bobDevice, aliceId.User, aliceId.Device, alice.Identity.PublicKey, compromised, first).Reason);
        // Post-compromise security: once both sides have ratcheted with keys made after the theft, the stolen state is locked out.
        var (b1, bobAfterB1) = Session.Encrypt(compromised.Current, "two"u8.ToArray());
        var a2 = Session.Decrypt(a1, Wire.DecodeRatchet(b1).Value!).Value.State;
        var (a2Message, a3) = Session.Encrypt(a2, "three"u8.ToArray());
        var attacker = Session.Decrypt(bobAfterB1, Wire.DecodeRatchet(a2Message).Value!, EcKeyPair.Generate);
        Assert.True(attacker.Ok, "a passive attacker holding the state still reads the very next step");
        var bobAfterA2 = Session.Decrypt(bobAfterB1, Wire.DecodeRatchet(a2Message).Value!).Value.State;
        var (b2, bobAfterB2) = Session.Encrypt(bobAfterA2, "four"u8.ToArray());
        var a4 = Session.Decrypt(a3, Wire.DecodeRatchet(b2).Value!).Value.State;
        var (after, _) = Session.Encrypt(a4, "five"u8.ToArray());
        Assert.NotEqual(aliceSession.SendingRatchetKey.PublicKey, a4.SendingRatchetKey.PublicKey);
        var lockedOut = Session.Decrypt(attacker.Value.State, Wire.DecodeRatchet(after).Value!, EcKeyPair.Generate);
        Assert.Equal(DecryptFailureReason.BadMac, lockedOut.Reason);
        Assert.Equal("five", Encoding.UTF8.GetString(Session.Decrypt(bobAfterB2, Wire.DecodeRatchet(after).Value!).Value.Plaintext));
    }

    [Fact]
    public async Task Weakness03_one_time_prekeys_are_used_and_never_overwritten()
    {
        var (alice, bob) = await PairAsync();
        var bobKeysBefore = (await bob.StateAsync()).Keys!.OneTimePreKeys.Count;
        await alice.SendAsync(_channel, "uses DH4");
        var session = (await alice.StateAsync()).Sessions[bob.DeviceId].Current;
        Assert.NotNull(session.PendingPreKey!.OneTimePreKey);
        Assert.Equal(Labels.OneTimePrekeys - 1, _server.OneTimeKeysLeft(bob.DeviceId));
        Assert.Equal("uses DH4", await bob.ReadAsync(await alice.SendAsync(_channel, "uses DH4")));
        var bobKeys = (await bob.StateAsync()).Keys!;
        Assert.Null(bobKeys.FindOneTimePreKey(session.PendingPreKey.OneTimePreKey));
        Assert.Equal(bobKeysBefore - 1, bobKeys.OneTimePreKeys.Count);
        for (var i = 0; i < 85; i++)
        {
            await _server.DirectoryFor(alice.UserId).ClaimBundleAsync(bob.UserId, bob.DeviceId);
        }
        await bob.Client.EnsureDeviceKeysAsync();
        var replenished = (await bob.StateAsync()).Keys!;
        Assert.True(bobKeys.OneTimePreKeys.All(k => replenished.FindOneTimePreKey(k.PublicKey) is not null), "a replenishment must keep every earlier private key");
    }

    [Fact]
    public async Task Weakness04_the_signed_prekey_signature_is_verified_and_safety_numbers_are_persisted()
    {
        var (alice, bob) = await PairAsync();
        Assert.NotNull((await bob.StateAsync()).Keys!.Signing);
        _server.TamperBundle = b => b with { SignedPreKey = Convert.ToBase64String(EcKeyPair.Generate().PublicKey) };
        Assert.Equal("untrusted_identity", (await Assert.ThrowsAsync<EncryptionUnavailableException>(() => alice.SendAsync(_channel, "x"))).Reason);
        _server.TamperBundle = null;
        await alice.Client.SafetyNumberAsync(bob.UserId);
        Assert.True((await alice.StateAsync()).ContactDigests.ContainsKey(bob.UserId));
        var reopened = await E2eeClient.OpenAsync(alice.UserId, alice.DeviceId, _server.DirectoryFor(alice.UserId), alice.Store);
        await Party.CreateAsync(_server, bob.UserId);
        Assert.True((await reopened.SafetyNumberAsync(bob.UserId)).Changed);
    }

    [Fact]
    public async Task Weakness05_safety_numbers_cover_every_device_and_claim_no_one_time_key()
    {
        var (alice, bob) = await PairAsync();
        var before = await alice.Client.SafetyNumberAsync(bob.UserId);
        var claims = _server.BundleClaims;
        await bob.Client.SafetyNumberAsync(alice.UserId);
        Assert.Equal(claims, _server.BundleClaims);
        Assert.Equal(Labels.OneTimePrekeys, _server.OneTimeKeysLeft(bob.DeviceId));
        await Party.CreateAsync(_server, bob.UserId);
        var after = await alice.Client.SafetyNumberAsync(bob.UserId);
        Assert.NotEqual(before.Digits, after.Digits);
        Assert.Equal(after.Digits, (await bob.Client.SafetyNumberAsync(alice.UserId)).Digits);
    }

    [Fact]
    public async Task Weakness06_sender_channel_and_index_are_authenticated_and_signed()
    {
        var (alice, bob) = await PairAsync();
        var alicePhone = await Party.CreateAsync(_server, alice.UserId);
        var message = await alice.SendAsync(_channel, "bound");
        Assert.Equal(DecryptFailureReason.WrongSender, await bob.FailAsync(message with { SenderDeviceId = alicePhone.DeviceId }));
        Assert.Equal(DecryptFailureReason.WrongSender, await bob.FailAsync(message with { SenderUserId = bob.UserId }));
        var other = Guid.NewGuid();
        _server.AddMember(other, alice.UserId);
        _server.AddMember(other, bob.UserId);
        await alice.SendAsync(other, "second _channel");
        Assert.Equal(DecryptFailureReason.WrongChannel, await bob.FailAsync(message with { ChannelId = other }));
        var bytes = Convert.FromBase64String(message.Content);
        bytes[2 + Labels.ChainIdLength + 3] ^= 1;
        Assert.Equal(DecryptFailureReason.BadSignature, await bob.FailAsync(message with { Content = Convert.ToBase64String(bytes) }));
        Assert.Equal("bound", await bob.ReadAsync(message));
    }

    [Fact]
    public async Task Weakness07_no_silent_downgrade_to_plaintext()
    {
        var (alice, bob) = await PairAsync();
        _server.WithoutBundle.Add(bob.DeviceId);
        var error = await Assert.ThrowsAsync<EncryptionUnavailableException>(() => alice.SendAsync(_channel, "never in the clear"));
        Assert.Equal("no_bundle", error.Reason);
        Assert.Equal(0, _server.EnvelopePosts);
        Assert.DoesNotContain(_server.SentStrings, s => s.Contains("never in the clear", StringComparison.Ordinal));
        Assert.Equal(DecryptFailureReason.LegacyProtocol, await bob.FailAsync(new IncomingMessage(_channel, alice.UserId, alice.DeviceId, "plain", 1)));
    }

    [Fact]
    public async Task Weakness08_every_device_of_both_users_reads_and_new_devices_are_used()
    {
        var (alice, bob) = await PairAsync();
        var aliceLaptop = await Party.CreateAsync(_server, alice.UserId);
        var bobPhone = await Party.CreateAsync(_server, bob.UserId);
        var message = await alice.SendAsync(_channel, "all devices");
        foreach (var reader in new[] { bob, bobPhone, aliceLaptop })
        {
            Assert.Equal("all devices", await reader.ReadAsync(message));
        }
        var bobNewLogin = await Party.CreateAsync(_server, bob.UserId);
        Assert.Equal("new login", await bobNewLogin.ReadAsync(await alice.SendAsync(_channel, "new login")));
        Assert.Equal("from phone", await aliceLaptop.ReadAsync(await bobPhone.SendAsync(_channel, "from phone")));
    }

    [Fact]
    public async Task Weakness09_sessions_start_without_x3dh_setup()
    {
        Assert.DoesNotContain(typeof(IKeyDirectory).GetMethods(), m => m.Name.Contains("X3dh", StringComparison.OrdinalIgnoreCase));
        var (alice, bob) = await PairAsync();
        Assert.Equal("first", await bob.ReadAsync(await alice.SendAsync(_channel, "first")));
        var envelope = Assert.Single(await _server.DirectoryFor(bob.UserId).FetchSenderKeyEnvelopesAsync(_channel, bob.DeviceId));
        Assert.Equal(Labels.TypePrekey, Convert.FromBase64String(envelope.Envelope)[1]);
    }

    [Fact]
    public void Weakness10_sender_keys_keep_skipped_keys_and_refuse_a_crafted_huge_index()
    {
        var channelId = Guid.NewGuid();
        var (user, device) = (Guid.NewGuid(), Guid.NewGuid());
        var chain = SenderKeys.NewChain(channelId, DateTimeOffset.UnixEpoch);
        var received = SenderKeys.Accept(SenderKeys.Distribution(chain), user, device);
        var (m0, c1) = SenderKeys.Encrypt(chain, user, device, "zero"u8.ToArray());
        var (m1, _) = SenderKeys.Encrypt(c1, user, device, "one"u8.ToArray());
        var late = SenderKeys.Decrypt(_ => received, channelId, user, device, m1);
        Assert.True(late.Ok);
        Assert.True(SenderKeys.Decrypt(_ => late.Value.Chain, channelId, user, device, m0).Ok);
        var (crafted, _) = SenderKeys.Encrypt(chain with { Index = 1_000_000_000 }, user, device, "burn"u8.ToArray());
        Assert.Equal(DecryptFailureReason.TooFarAhead, SenderKeys.Decrypt(_ => received, channelId, user, device, crafted).Reason);
    }

    [Fact]
    public async Task Weakness11_no_plaintext_is_kept_and_logout_wipes_everything()
    {
        var (alice, bob) = await PairAsync();
        Assert.Equal("a very private sentence", await bob.ReadAsync(await alice.SendAsync(_channel, "a very private sentence")));
        var json = JsonSerializer.Serialize(await bob.StateAsync(), StateJson.Options);
        Assert.DoesNotContain("very private", json, StringComparison.Ordinal);
        await bob.Client.WipeAsync();
        Assert.Null(await bob.Store.LoadAsync(bob.DeviceId));
    }

    [Fact]
    public async Task Weakness12_attachments_and_their_names_are_encrypted()
    {
        var (alice, bob) = await PairAsync();
        var content = Encoding.UTF8.GetBytes("quarterly numbers, confidential");
        var (blob, reference) = E2eeClient.EncryptAttachment(content, "q3-numbers.xlsx", "application/vnd.ms-excel");
        Assert.False(Contains(blob, content[..10]));
        var message = await alice.Client.EncryptMessageAsync(_channel, new MessagePayload("see attached", [reference]));
        Assert.False(Contains(Convert.FromBase64String(message.Content), Encoding.UTF8.GetBytes("q3-numbers")));
        var received = (await bob.Client.DecryptMessageAsync(new IncomingMessage(_channel, alice.UserId, alice.DeviceId, message.Content, 3))).Value!;
        Assert.Equal(content, E2eeClient.DecryptAttachment(blob, received.Attachments![0]).Value);
    }

    [Fact]
    public async Task Weakness13_sender_device_id_is_always_sent_and_required()
    {
        var (alice, bob) = await PairAsync();
        var encrypted = await alice.Client.EncryptMessageAsync(_channel, new MessagePayload("x"));
        Assert.Equal(alice.DeviceId, encrypted.SenderDeviceId);
        Assert.Equal(DecryptFailureReason.Malformed,
            await bob.FailAsync(new IncomingMessage(_channel, alice.UserId, null, encrypted.Content, encrypted.ProtocolVersion)));
    }
}
