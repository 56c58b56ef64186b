using System.Text;
using D3Chat.Core.Http;

namespace D3Chat.Core.Federation;

/// <summary>
/// How events to one peer are cut into batches for <c>POST /federation/transactions</c> (spec §4.1):
/// in the given (send) order, at most <c>maxEvents</c> events and at most <see cref="MaxBodyBytes"/>
/// bytes of <c>{"events":[...]}</c> per request, so a batch never meets the receiver's body limit.
/// </summary>
public static class FederationBatches
{
    /// <summary>Most events in one request, as Matrix transactions (50 PDUs).</summary>
    public const int MaxEvents = 50;

    /// <summary>The body limit every federation request meets (1 MiB).</summary>
    public const int MaxBodyBytes = RequestBody.MaxBytes;

    private const string Prefix = "{\"events\":[";
    private const string Suffix = "]}";

    /// <summary>Bytes of the envelope around the events.</summary>
    public static readonly int EnvelopeBytes = Prefix.Length + Suffix.Length;

    /// <summary>
    /// Splits <paramref name="items"/> into consecutive batches. An event too large to share a request
    /// still forms a batch of its own (the caller sends it alone, see <see cref="FitsInBatch"/>).
    /// </summary>
    public static List<List<T>> Split<T>(IReadOnlyList<T> items, Func<T, string> body, int maxEvents, int maxBytes = MaxBodyBytes)
    {
        var batches = new List<List<T>>();
        var current = new List<T>();
        var bytes = EnvelopeBytes;
        foreach (var item in items)
        {
            var size = Encoding.UTF8.GetByteCount(body(item)) + (current.Count == 0 ? 0 : 1);
            if (current.Count > 0 && (current.Count >= maxEvents || bytes + size > maxBytes))
            {
                batches.Add(current);
                current = [];
                bytes = EnvelopeBytes;
                size -= 1;
            }
            current.Add(item);
            bytes += size;
        }
        if (current.Count > 0)
        {
            batches.Add(current);
        }
        return batches;
    }

    /// <summary>True when one event fits a batch body; a larger one can only travel alone to the inbox.</summary>
    public static bool FitsInBatch(string body, int maxBytes = MaxBodyBytes) =>
        Encoding.UTF8.GetByteCount(body) + EnvelopeBytes <= maxBytes;

    /// <summary>The exact bytes sent and signed: the event bodies as stored, unchanged, in order.</summary>
    public static byte[] Serialize(IEnumerable<string> bodies) =>
        Encoding.UTF8.GetBytes(Prefix + string.Join(',', bodies) + Suffix);
}
