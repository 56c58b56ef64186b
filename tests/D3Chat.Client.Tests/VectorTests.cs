using System.Text.Json;
using D3Chat.Client.Crypto;

namespace D3Chat.Client.Tests;

/// <summary>
/// The shared vectors of tests/vectors, checked entry by entry. Each test pins how many entries its file holds and
/// counts the ones it checked, so an added or skipped entry fails here until this side handles it.
/// </summary>
public sealed class VectorTests
{
    private static readonly Dictionary<string, byte[]> LabelBytes = new()
    {
        ["SPK_SIGNATURE_LABEL"] = Labels.SpkSignatureLabel,
        ["X3DH_INFO"] = Labels.X3dhInfo,
        ["ROOT_INFO"] = Labels.RootInfo,
        ["MESSAGE_KEYS_INFO"] = Labels.MessageKeysInfo,
        ["GROUP_MESSAGE_KEYS_INFO"] = Labels.GroupMessageKeysInfo,
        ["GROUP_AAD_LABEL"] = Labels.GroupAadLabel,
        ["ATTACHMENT_AAD"] = Labels.AttachmentAad,
        ["SAFETY_NUMBER_LABEL"] = Labels.SafetyNumberLabel,
    };

    private static readonly Dictionary<string, long> Constants = new()
    {
        ["VERSION"] = Labels.Version,
        ["CHAIN_VERSION"] = Labels.ChainVersion,
        ["LEGACY_CHAIN_VERSION"] = Labels.LegacyChainVersion,
        ["PROTOCOL_VERSION"] = Labels.ProtocolVersion,
        ["TYPE_PREKEY"] = Labels.TypePrekey,
        ["TYPE_RATCHET"] = Labels.TypeRatchet,
        ["TYPE_GROUP"] = Labels.TypeGroup,
        ["TYPE_SENDER_KEY"] = Labels.TypeSenderKey,
        ["SAFETY_NUMBER_FORMAT"] = Labels.SafetyNumberFormat,
        ["CHAIN_MESSAGE_SEED"] = Labels.ChainMessageSeed,
        ["CHAIN_NEXT_SEED"] = Labels.ChainNextSeed,
        ["MAX_SKIPPED_KEYS"] = Labels.MaxSkippedKeys,
        ["MAX_FORWARD_JUMP"] = Labels.MaxForwardJump,
        ["ONE_TIME_PREKEYS"] = Labels.OneTimePrekeys,
        ["ONE_TIME_PREKEYS_LOW_WATER"] = Labels.ReplenishBelow,
        ["ROTATE_AFTER_MESSAGES"] = Labels.RotateAfterMessages,
        ["ROTATE_AFTER_SECONDS"] = Labels.RotateAfterSeconds,
        ["PUBLIC_KEY_LENGTH"] = Labels.PublicKeyLength,
        ["SIGNATURE_LENGTH"] = Labels.SignatureLength,
        ["CHAIN_SIGNING_KEY_LENGTH"] = Labels.ChainSigningKeyLength,
        ["SYMMETRIC_KEY_LENGTH"] = Labels.KeyLength,
        ["NONCE_LENGTH"] = Labels.NonceLength,
        ["TAG_LENGTH"] = Labels.TagLength,
        ["ID_LENGTH"] = Labels.IdLength,
        ["CHAIN_ID_LENGTH"] = Labels.ChainIdLength,
        ["RATCHET_HEADER_LENGTH"] = Labels.RatchetHeaderLength,
        ["MAX_SESSION_STATES"] = Labels.MaxSessionStates,
        ["MAX_PREVIOUS_CHAINS"] = Labels.MaxPreviousChains,
    };

    [Fact]
    public void Labels_match_labels_json()
    {
        Vectors.CheckEach("labels.json", 36, test =>
        {
            var name = test.Str("name");
            if (test.Op() == "label_bytes")
            {
                Assert.Equal(test.Str("hex"), Bytes.ToHex(LabelBytes[name]));
                Assert.Equal(test.Str("text"), System.Text.Encoding.UTF8.GetString(LabelBytes[name]));
            }
            else
            {
                Assert.Equal("constant", test.Op());
                Assert.True(Constants.ContainsKey(name), $"no C# constant for {name}");
                Assert.Equal(test.GetProperty("value").GetInt64(), Constants[name]);
            }
        });
    }

    [Fact]
    public void Kdf_vectors()
    {
        Vectors.CheckEach("kdf.json", 14, test =>
        {
            switch (test.Op())
            {
                case "hkdf_sha256":
                    Assert.Equal(test.Str("okm"), Bytes.ToHex(Primitives.Hkdf(test.Hex("ikm"), test.Hex("salt"), test.Hex("info"), test.GetProperty("length").GetInt32())));
                    break;
                case "hmac_sha256":
                    Assert.Equal(test.Str("mac"), Bytes.ToHex(Primitives.Hmac(test.Hex("key"), test.Hex("data"))));
                    break;
                case "kdf_chain":
                    var (messageKey, nextChainKey) = Ratchet.KdfCk(test.Hex("chainKey"));
                    Assert.Equal(test.Str("messageKey"), Bytes.ToHex(messageKey));
                    Assert.Equal(test.Str("nextChainKey"), Bytes.ToHex(nextChainKey));
                    break;
                case "kdf_root":
                    var (rootKey, chainKey) = Ratchet.KdfRk(test.Hex("rootKey"), test.Hex("dhOutput"));
                    Assert.Equal(test.Str("nextRootKey"), Bytes.ToHex(rootKey));
                    Assert.Equal(test.Str("chainKey"), Bytes.ToHex(chainKey));
                    break;
                case "message_keys":
                    var (key, nonce) = Ratchet.MessageKeys(LabelBytes[test.Str("info")], test.Hex("messageKey"));
                    Assert.Equal(test.Str("aesKey"), Bytes.ToHex(key));
                    Assert.Equal(test.Str("nonce"), Bytes.ToHex(nonce));
                    break;
                default:
                    Assert.Fail($"unknown operation {test.Op()}");
                    break;
            }
        });
    }

    [Fact]
    public void Sender_key_chain_vectors()
    {
        Vectors.CheckEach("sender_key_chain.json", 13, test =>
        {
            if (test.Op() == "sender_chain_step")
            {
                var (messageKey, nextChainKey) = Ratchet.KdfCk(test.Hex("chainKey"));
                var (key, nonce) = Ratchet.MessageKeys(Labels.GroupMessageKeysInfo, messageKey);
                Assert.Equal(test.Str("messageKey"), Bytes.ToHex(messageKey));
                Assert.Equal(test.Str("nextChainKey"), Bytes.ToHex(nextChainKey));
                Assert.Equal(test.Str("aesKey"), Bytes.ToHex(key));
                Assert.Equal(test.Str("nonce"), Bytes.ToHex(nonce));
            }
            else
            {
                Assert.Equal("sender_chain_jump", test.Op());
                var from = test.U32("fromIndex");
                var chain = SenderKeys.NewChain(Guid.Empty, DateTimeOffset.UnixEpoch, chainKey: test.Hex("chainKey"));
                var at = SenderKeys.DistributionAt(chain, test.U32("index") - from);
                Assert.Equal(test.Str("chainKeyAtIndex"), Bytes.ToHex(at.ChainKey));
                Assert.Equal(test.Str("messageKey"), Bytes.ToHex(Ratchet.KdfCk(at.ChainKey).MessageKey));
            }
        });
    }

    [Fact]
    public void Signature_vectors()
    {
        Vectors.CheckEach("signatures.json", 16, test =>
        {
            if (test.Op() == "chain_signature")
            {
                var data = test.Hex("data");
                var verified = ChainSigningKey.Verify(test.Hex("signingKey"), data, test.Hex("signature"));
                Assert.Equal(test.Valid() ? "valid" : test.Str("reason"), verified ? "valid" : "bad_signature");
                if (test.Valid())
                {
                    Assert.Equal(test.Str("signature"), Bytes.ToHex(test.ChainKey("signingPrivate").Sign(data)));
                }
                return;
            }
            Assert.Equal("spk_signature", test.Op());
            var signingKey = test.Hex("signingKey");
            var identityKey = test.Hex("identityKey");
            var signedPreKey = test.Hex("signedPreKey");
            var bundle = new PreKeyBundle(Guid.Empty, Guid.Empty, identityKey, signingKey, signedPreKey, test.Hex("signature"), null);
            if (test.Valid())
            {
                Assert.Equal(test.Str("signedInput"), Bytes.ToHex(Keys.PreKeySignatureInput(identityKey, signedPreKey)));
                Assert.True(Keys.VerifyBundle(bundle));
                var signing = test.Key("signingPrivate")!;
                Assert.True(Keys.VerifyBundle(bundle with { SignedPreKeySignature = Keys.SignPreKey(signing, identityKey, signedPreKey) }));
            }
            else
            {
                Assert.Equal("untrusted_identity", test.Str("reason"));
                Assert.False(Keys.VerifyBundle(bundle));
            }
        });
    }

    [Fact]
    public void X3dh_vectors()
    {
        Vectors.CheckEach("x3dh.json", 5, test =>
        {
            var initiatorDevice = test.Id("initiatorDeviceId");
            var responderDevice = test.Id("responderDeviceId");
            var initiator = test.Key("initiatorIdentity")!;
            var ephemeral = test.Key("initiatorEphemeral")!;
            var responderIdentity = test.PublicOf("responderIdentity")!;
            var signedPreKey = test.PublicOf("responderSignedPreKey")!;
            var oneTimePreKey = test.PublicOf("responderOneTimePreKey");
            if (!test.Valid())
            {
                Assert.Equal("untrusted_identity", test.Str("reason"));
                Assert.False(Primitives.IsValidPublicKey(signedPreKey) && Primitives.IsValidPublicKey(responderIdentity)
                    && (oneTimePreKey is null || Primitives.IsValidPublicKey(oneTimePreKey)));
                return;
            }
            var bundle = new PreKeyBundle(Guid.Empty, responderDevice, responderIdentity, null, signedPreKey, [], oneTimePreKey);
            var secret = X3dh.Initiate(initiator, initiatorDevice, bundle, ephemeral);
            Assert.Equal(test.Str("dh1"), Bytes.ToHex(Primitives.Ecdh(initiator, signedPreKey)!));
            Assert.Equal(test.Str("dh2"), Bytes.ToHex(Primitives.Ecdh(ephemeral, responderIdentity)!));
            Assert.Equal(test.Str("dh3"), Bytes.ToHex(Primitives.Ecdh(ephemeral, signedPreKey)!));
            Assert.Equal(test.HexOrNull("dh4") is null, oneTimePreKey is null);
            if (oneTimePreKey is not null)
            {
                Assert.Equal(test.Str("dh4"), Bytes.ToHex(Primitives.Ecdh(ephemeral, oneTimePreKey)!));
            }
            Assert.Equal(test.Str("sharedSecret"), Bytes.ToHex(secret.SharedSecret));
            Assert.Equal(test.Str("associatedData"), Bytes.ToHex(secret.AssociatedData));
            var responded = X3dh.Respond(test.Key("responderIdentity")!, responderDevice, test.Key("responderSignedPreKey")!,
                test.Key("responderOneTimePreKey"), initiator.PublicKey, ephemeral.PublicKey, initiatorDevice)!;
            Assert.Equal(secret.SharedSecret, responded.SharedSecret);
            Assert.Equal(secret.AssociatedData, responded.AssociatedData);
        });
    }

    [Fact]
    public void Group_message_vectors()
    {
        Vectors.CheckEach("group_message.json", 23, test =>
        {
            var context = test.GetProperty("context");
            var channelId = context.Id("channelId");
            var senderUserId = context.Id("senderUserId");
            var senderDeviceId = context.Id("senderDeviceId");
            if (test.Op() == "group_encrypt")
            {
                var signing = test.ChainKey("signingPrivate");
                Assert.Equal(test.Str("signingKey"), Bytes.ToHex(signing.PublicKey));
                var chain = SenderKeys.NewChain(channelId, DateTimeOffset.UnixEpoch, test.Hex("chainId"), test.Hex("chainKey"), signing)
                    with { Index = test.U32("index") };
                Assert.Equal(test.Str("aad"), Bytes.ToHex(SenderKeys.Aad(channelId, senderDeviceId, chain.ChainId, chain.Index)));
                var (bytes, _) = SenderKeys.Encrypt(chain, senderUserId, senderDeviceId, test.Hex("plaintext"));
                // Ed25519 is deterministic: the whole message, signature included, is compared.
                Assert.Equal(test.Str("message"), Bytes.ToHex(bytes));
                Assert.Equal(test.Str("header") + test.Str("sealed"), Bytes.ToHex(bytes[..^Labels.SignatureLength]));
            }
            else
            {
                Assert.Equal("group_decrypt", test.Op());
                var receiver = ReceiverOf(test.GetProperty("receiver"));
                var result = SenderKeys.Decrypt(id => receiver.ChainId.AsSpan().SequenceEqual(id) ? receiver : null,
                    channelId, senderUserId, senderDeviceId, test.Hex("message"));
                if (test.Valid())
                {
                    Assert.True(result.Ok, $"tcId {test.GetProperty("tcId")}: {result}");
                    Assert.Equal(test.Str("plaintext"), Bytes.ToHex(result.Value.Plaintext));
                }
                else
                {
                    Assert.Equal((test.GetProperty("tcId").GetInt32(), test.Str("reason")), (test.GetProperty("tcId").GetInt32(), result.ToString()));
                }
            }
        });
    }

    private static ReceivedChain ReceiverOf(JsonElement r) => new(
        r.Hex("chainId"), r.Id("channelId"), r.Id("senderUserId"), r.Id("senderDeviceId"), r.U32("firstIndex"), r.U32("nextIndex"),
        r.Hex("chainKey"), r.Hex("signingKey"),
        r.GetProperty("skipped").EnumerateArray().Select(s => new SkippedGroupKey(s.U32("index"), s.Hex("messageKey"))).ToList());
}
