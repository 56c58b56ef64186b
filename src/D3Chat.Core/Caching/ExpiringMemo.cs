using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace D3Chat.Core.Caching;

/// <summary>
/// A process-local memo of values that hold until a given moment (a verified token, a token to
/// reuse). Bounded: when full it starts over instead of tracking use, since a miss only costs the
/// work the memo saves.
/// </summary>
public sealed class ExpiringMemo<TKey, TValue>(int capacity) where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, (TValue Value, DateTimeOffset Until)> _entries = new();

    /// <summary>The value remembered for <paramref name="key"/> while <paramref name="now"/> is before its end; an ended one is dropped.</summary>
    public bool TryGet(TKey key, DateTimeOffset now, [MaybeNullWhen(false)] out TValue value)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            if (now < entry.Until)
            {
                value = entry.Value;
                return true;
            }
            _entries.TryRemove(key, out _);
        }
        value = default;
        return false;
    }

    /// <summary>Remembers <paramref name="value"/> for <paramref name="key"/> until <paramref name="until"/>.</summary>
    public void Set(TKey key, TValue value, DateTimeOffset until)
    {
        if (_entries.Count >= capacity)
        {
            _entries.Clear();
        }
        _entries[key] = (value, until);
    }
}
