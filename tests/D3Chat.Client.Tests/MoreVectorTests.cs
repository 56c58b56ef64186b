using System.Text;
using System.Text.Json;
using D3Chat.Client.Crypto;

namespace D3Chat.Client.Tests;

/// <summary>The second half of the shared vectors: ratchet steps, whole pairwise sessions, envelopes, safety numbers, attachments.</summary>
public sealed class MoreVectorTests
{
    [Fact]
    public void Ratchet_step_vectors()
    {
        Vectors.CheckEach("ratchet.json", 4, test =>
        {
            var own = test.Key("ownRatchet")!;
            var dh = Primitives.Ecdh(own, test.Hex("remoteRatchetKey"));
            if (test.Valid())
            {
                Assert.Equal(test.Str("dhOutput"), Bytes.ToHex(dh!));
                var (rootKey, chainKey) = Ratchet.KdfRk(test.Hex("rootKey"), dh!);
                Assert.Equal(test.Str("nextRootKey"), Bytes.ToHex(rootKey));
                Assert.Equal(test.Str("chainKey"), Bytes.ToHex(chainKey));
            }
            else
            {
                Assert.Equal("malformed", test.Str("reason"));
                Assert.Null(dh);
            }
        });
    }

    [Fact]
    public void Envelope_vectors()
    {
        Vectors.CheckEach("envelopes.json", 15, test =>
        {
            var encoded = test.Hex("encoded");
            switch (test.Op(), test.Valid())
            {
                case ("distribution", true):
                    var distribution = new SenderKeyDistribution(test.Id("channelId"), test.Hex("chainId"), test.U32("index"), test.Hex("chainKey"), test.Hex("signingKey"));
                    Assert.Equal(test.Str("encoded"), Bytes.ToHex(distribution.Encode()));
                    var decoded = Wire.DecodeSenderKey(encoded).Value!;
                    Assert.Equal(distribution.Encode(), decoded.Encode());
                    break;
                case ("distribution_list", true):
                    var items = Wire.DecodeSenderKeys(encoded).Value!;
                    var expected = test.GetProperty("items").EnumerateArray().ToList();
                    Assert.Equal(expected.Count, items.Count);
                    for (var i = 0; i < items.Count; i++)
                    {
                        Assert.Equal(expected[i].Str("chainId"), Bytes.ToHex(items[i].ChainId));
                        Assert.Equal(expected[i].U32("index"), items[i].Index);
                        Assert.Equal(expected[i].Str("chainKey"), Bytes.ToHex(items[i].ChainKey));
                        Assert.Equal(expected[i].Id("channelId"), items[i].ChannelId);
                    }
                    Assert.Equal(encoded, items.SelectMany(item => item.Encode()).ToArray());
                    break;
                case ("distribution_list", false):
                    Assert.Equal(test.Str("reason"), Wire.DecodeSenderKeys(encoded).ToString());
                    break;
                case ("distribution_decode", false):
                    Assert.Equal(test.Str("reason"), Wire.DecodeSenderKey(encoded).ToString());
                    break;
                case ("pairwise_decode", true):
                    var (kind, ratchet) = DecodePairwise(encoded);
                    Assert.Equal(test.Str("kind"), kind);
                    Assert.Equal(test.Str("ratchetKey"), Bytes.ToHex(ratchet!.Header.RatchetKey));
                    Assert.Equal(test.U32("pn"), ratchet.Header.PreviousCount);
                    Assert.Equal(test.U32("n"), ratchet.Header.Index);
                    Assert.Equal(test.Str("sealed"), Bytes.ToHex(ratchet.Ciphertext));
                    if (kind == "prekey")
                    {
                        var preKey = Wire.DecodePreKey(encoded).Value!;
                        Assert.Equal(test.Str("identityKey"), Bytes.ToHex(preKey.IdentityKey));
                        Assert.Equal(test.Str("ephemeralKey"), Bytes.ToHex(preKey.EphemeralKey));
                        Assert.Equal(test.Str("signedPreKey"), Bytes.ToHex(preKey.SignedPreKey));
                        Assert.Equal(test.HexOrNull("oneTimePreKey"), preKey.OneTimePreKey);
                        Assert.Equal(encoded, preKey.Encode());
                    }
                    else
                    {
                        Assert.Equal(encoded, ratchet.Encode());
                    }
                    break;
                case ("pairwise_decode", false):
                    Assert.Equal(test.Str("reason"), DecodePairwiseReason(encoded));
                    break;
                default:
                    Assert.Fail($"unknown operation {test.Op()}");
                    break;
            }
        });
    }

    [Fact]
    public void Safety_number_vectors()
    {
        Vectors.CheckEach("safety.json", 3, test =>
        {
            var a = Devices(test.GetProperty("devicesA"));
            var b = Devices(test.GetProperty("devicesB"));
            var number = Safety.Compute(a, b);
            Assert.Equal(test.Str("digestA"), Bytes.ToHex(number.OwnDigest));
            Assert.Equal(test.Str("digestB"), Bytes.ToHex(number.ContactDigest));
            Assert.Equal(test.Str("digitsA"), Safety.UserDigits(number.OwnDigest));
            Assert.Equal(test.Str("digitsB"), Safety.UserDigits(number.ContactDigest));
            Assert.Equal(test.Str("safetyNumber"), number.Grouped);
            Assert.Equal(number.Digits, Safety.Compute(b.AsEnumerable().Reverse(), a).Digits);
        });
    }

    [Fact]
    public void Attachment_vectors()
    {
        Vectors.CheckEach("attachments.json", 6, test =>
        {
            var key = test.Hex("key");
            if (test.Op() == "attachment")
            {
                var encrypted = Attachments.Encrypt(test.Hex("plaintext"), key, test.Hex("nonce"));
                Assert.Equal(test.Str("blob"), Bytes.ToHex(encrypted.Blob));
                Assert.Equal(test.Str("sha256"), Bytes.ToHex(encrypted.Sha256));
                Assert.Equal(test.Str("plaintext"), Bytes.ToHex(Attachments.Decrypt(test.Hex("blob"), key, test.Hex("sha256")).Value!));
            }
            else
            {
                Assert.Equal("attachment_open", test.Op());
                Assert.Equal(test.Str("reason"), Attachments.Decrypt(test.Hex("blob"), key, test.Hex("sha256")).ToString());
            }
        });
    }

    /// <summary>Replays each scenario step by step with the generated keys the vector lists; every output byte must match.</summary>
    [Fact]
    public void Session_scenario_vectors()
    {
        Vectors.CheckEach("session.json", 10, test =>
        {
            var parties = new Dictionary<string, ScenarioDevice>
            {
                ["A"] = new(test.GetProperty("initiator")),
                ["B"] = new(test.GetProperty("responder")),
            };
            var steps = test.GetProperty("steps").EnumerateArray().ToList();
            for (var i = 0; i < steps.Count; i++)
            {
                var step = steps[i];
                var actor = parties[step.Str("actor")];
                var peer = parties[step.Str("actor") == "A" ? "B" : "A"];
                var generated = new Queue<EcKeyPair>(step.GetProperty("generatedKeys").EnumerateArray().Select(d => EcKeyPair.FromPrivateScalar(Bytes.FromHex(d.GetString()!))));
                var where = $"tcId {test.GetProperty("tcId")} step {i}";
                switch (step.Str("action"))
                {
                    case "start":
                        var bundle = new PreKeyBundle(peer.UserId, peer.DeviceId, peer.Keys.Identity.PublicKey, null, peer.Keys.SignedPreKey.PublicKey, [],
                            step.GetProperty("useOneTimePreKey").GetBoolean() ? peer.Keys.OneTimePreKeys[0].PublicKey : null);
                        var ephemeral = generated.Dequeue();
                        var secret = X3dh.Initiate(actor.Keys.Identity, actor.DeviceId, bundle, ephemeral);
                        actor.Sessions = new PeerSessions(Session.Initiate(secret, actor.Keys.Identity, bundle, ephemeral, generated.Dequeue()), []);
                        break;
                    case "encrypt":
                        var (bytes, next) = Session.Encrypt(actor.Sessions!.Current, Encoding.UTF8.GetBytes(step.Str("plaintext")));
                        Assert.True(step.Str("message") == Bytes.ToHex(bytes), where);
                        actor.Sessions = actor.Sessions with { Current = next };
                        break;
                    case "decrypt":
                        var result = Session.DecryptPairwise(actor.Keys, actor.DeviceId, peer.UserId, step.Id("senderDeviceId"), peer.Keys.Identity.PublicKey,
                            actor.Sessions, step.Hex("message"), generated.Dequeue);
                        if (step.TryGetProperty("reason", out var reason))
                        {
                            Assert.Equal((where, reason.GetString()), (where, result.ToString()));
                            Assert.Equal(i, steps.Count - 1);
                        }
                        else
                        {
                            Assert.True(result.Ok, $"{where}: {result}");
                            Assert.Equal(step.Str("plaintext"), Encoding.UTF8.GetString(result.Value!.Plaintext));
                            actor.Sessions = result.Value.Sessions;
                            actor.Keys = result.Value.Keys;
                        }
                        break;
                    default:
                        Assert.Fail($"{where}: unknown action {step.Str("action")}");
                        break;
                }
                Assert.True(generated.Count == 0, $"{where}: {generated.Count} listed keys were not used");
            }
            Assert.Equal(test.Valid(), !test.TryGetProperty("reason", out _));
        });
    }

    private sealed class ScenarioDevice(JsonElement e)
    {
        public Guid UserId { get; } = e.Id("userId");
        public Guid DeviceId { get; } = e.Id("deviceId");
        public Crypto.DeviceKeys Keys { get; set; } = new(
            e.Key("identity")!, EcKeyPair.Generate(), e.Key("signedPreKey") ?? EcKeyPair.Generate(), [],
            e.GetProperty("oneTimePreKeys").EnumerateArray().Select(k => EcKeyPair.FromPkcs8(k.Hex("pkcs8"))).ToList());
        public PeerSessions? Sessions { get; set; }
    }

    private static List<DeviceFingerprint> Devices(JsonElement list) =>
        list.EnumerateArray().Select(d => new DeviceFingerprint(d.Hex("identityKey"), d.Hex("signingKey"))).ToList();

    private static (string Kind, RatchetMessage? Message) DecodePairwise(byte[] bytes) => Wire.PeekType(bytes).Value switch
    {
        Labels.TypeRatchet => ("ratchet", Wire.DecodeRatchet(bytes).Value),
        Labels.TypePrekey => ("prekey", Wire.DecodePreKey(bytes).Value?.Inner),
        _ => ("unknown", null),
    };

    private static string DecodePairwiseReason(byte[] bytes)
    {
        var type = Wire.PeekType(bytes);
        if (!type.Ok)
        {
            return type.ToString();
        }
        return type.Value switch
        {
            Labels.TypeRatchet => Wire.DecodeRatchet(bytes).ToString(),
            Labels.TypePrekey => Wire.DecodePreKey(bytes).ToString(),
            _ => DecryptFailureReason.Malformed.Code(),
        };
    }
}
