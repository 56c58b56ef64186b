using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using D3Chat.Client.Crypto;

namespace D3Chat.Bench.Crypto;

/// <summary>
/// Client protocol v3 in C# on one machine, no server: a 200-byte channel message encrypted and signed, then
/// verified and decrypted; a 1,000-message catch-up (verify and decrypt each, in order); and a pairwise session
/// set up from a bundle (verify the bundle, X3DH, first pre-key message, the responder opening it).
/// </summary>
public static class Program
{
    private const string Usage = "usage: D3Chat.Bench.Crypto [--messages N (default 5000)] [--catchups N (default 20)] [--sessions N (default 300)] [--commit SHA]";

    public static int Main(string[] args)
    {
        var messages = 5000;
        var catchups = 20;
        var sessions = 300;
        string? commit = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--messages" when i + 1 < args.Length:
                    messages = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--catchups" when i + 1 < args.Length:
                    catchups = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--sessions" when i + 1 < args.Length:
                    sessions = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--commit" when i + 1 < args.Length:
                    commit = args[++i];
                    break;
                default:
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }

        Console.WriteLine("D3Chat.Bench.Crypto: client protocol v3 (C#, System.Security.Cryptography)");
        Console.WriteLine($"commit     {commit ?? GitCommit()}");
        Console.WriteLine($"machine    {Environment.ProcessorCount} logical CPUs, {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture}), {RuntimeInformation.FrameworkDescription}");
        Console.WriteLine();

        var channelId = Guid.NewGuid();
        var (user, device) = (Guid.NewGuid(), Guid.NewGuid());
        var plaintext = new byte[200];
        Random.Shared.NextBytes(plaintext);

        // 1. One message: encrypt+sign, then verify+decrypt, timed separately per message.
        var chain = SenderKeys.NewChain(channelId, DateTimeOffset.UtcNow);
        var received = SenderKeys.Accept(SenderKeys.Distribution(chain), user, device);
        var encryptTimes = new List<double>(messages);
        var decryptTimes = new List<double>(messages);
        for (var i = 0; i < messages + 200; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var (bytes, next) = SenderKeys.Encrypt(chain, user, device, plaintext);
            var encrypted = Stopwatch.GetTimestamp();
            var result = SenderKeys.Decrypt(_ => received, channelId, user, device, bytes);
            var decrypted = Stopwatch.GetTimestamp();
            if (!result.Ok)
            {
                throw new InvalidOperationException($"decrypt failed: {result}");
            }
            chain = next;
            received = result.Value.Chain;
            if (i >= 200)
            {
                encryptTimes.Add(Stopwatch.GetElapsedTime(start, encrypted).TotalMilliseconds);
                decryptTimes.Add(Stopwatch.GetElapsedTime(encrypted, decrypted).TotalMilliseconds);
            }
        }
        Report($"encrypt+sign, 200-byte group message ({messages} after 200 warm-up)", encryptTimes);
        Report("verify+decrypt, same messages", decryptTimes);
        Report("round trip (encrypt+sign+verify+decrypt)", encryptTimes.Zip(decryptTimes, (a, b) => a + b).ToList());

        // 2. Catch-up: a device that has the chain at index 0 reads 1,000 messages in order.
        var backlogChain = SenderKeys.NewChain(channelId, DateTimeOffset.UtcNow);
        var backlogStart = SenderKeys.Accept(SenderKeys.Distribution(backlogChain), user, device);
        var backlog = new List<byte[]>(1000);
        for (var i = 0; i < 1000; i++)
        {
            var (bytes, next) = SenderKeys.Encrypt(backlogChain, user, device, plaintext);
            backlog.Add(bytes);
            backlogChain = next;
        }
        var catchupTimes = new List<double>(catchups);
        for (var run = 0; run < catchups + 2; run++)
        {
            var state = backlogStart;
            var start = Stopwatch.GetTimestamp();
            foreach (var bytes in backlog)
            {
                var result = SenderKeys.Decrypt(_ => state, channelId, user, device, bytes);
                state = result.Ok ? result.Value.Chain : throw new InvalidOperationException($"catch-up failed: {result}");
            }
            if (run >= 2)
            {
                catchupTimes.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }
        Report($"catch-up of 1,000 group messages, verify+decrypt ({catchups} runs after 2 warm-up)", catchupTimes);

        // 3. Pairwise session setup, both sides.
        var responder = DeviceKeys.Generate(sessions + 20);
        var responderDevice = Guid.NewGuid();
        var initiator = DeviceKeys.Generate(0);
        var initiatorDevice = Guid.NewGuid();
        var distribution = SenderKeys.Distribution(chain).Encode();
        var setupTimes = new List<double>(sessions);
        for (var i = 0; i < sessions + 20; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var bundle = new PreKeyBundle(Guid.Empty, responderDevice, responder.Identity.PublicKey, responder.Signing.PublicKey,
                responder.SignedPreKey.PublicKey, responder.SignedPreKeySignature, responder.OneTimePreKeys[i].PublicKey);
            if (!Keys.VerifyBundle(bundle))
            {
                throw new InvalidOperationException("bundle did not verify");
            }
            var ephemeral = EcKeyPair.Generate();
            var session = Session.Initiate(X3dh.Initiate(initiator.Identity, initiatorDevice, bundle, ephemeral), initiator.Identity, bundle, ephemeral);
            var (message, _) = Session.Encrypt(session, distribution);
            var opened = Session.DecryptPairwise(responder, responderDevice, Guid.Empty, initiatorDevice, initiator.Identity.PublicKey, null, message);
            if (!opened.Ok)
            {
                throw new InvalidOperationException($"pre-key message failed: {opened}");
            }
            if (i >= 20)
            {
                setupTimes.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }
        Report($"pairwise session setup: verify bundle, X3DH, first pre-key message, responder opens it ({sessions} after 20 warm-up)", setupTimes);
        return 0;
    }

    private static void Report(string title, List<double> milliseconds)
    {
        milliseconds.Sort();
        double At(double q) => milliseconds[Math.Min(milliseconds.Count - 1, (int)(q * milliseconds.Count))];
        Console.WriteLine(title);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  mean {milliseconds.Average():F3} ms   p50 {At(0.5):F3} ms   p90 {At(0.9):F3} ms   p99 {At(0.99):F3} ms   max {milliseconds[^1]:F3} ms"));
    }

    private static string GitCommit()
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", "rev-parse HEAD") { RedirectStandardOutput = true, RedirectStandardError = true });
            if (git is null)
            {
                return "unknown (git not found; pass --commit)";
            }
            var sha = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 && sha.Length > 0 ? sha : "unknown (not in a git checkout; pass --commit)";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown (git not found; pass --commit)";
        }
    }
}
