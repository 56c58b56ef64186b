namespace D3Chat.Core.Crypto;

/// <summary>
/// The text encoding of every key and frame on the wire (docs/crypto.md §1): standard base64 with
/// <c>=</c> padding. <see cref="Convert.TryFromBase64String"/> alone also accepts whitespace,
/// which two implementations would not encode alike, so the alphabet is checked first.
/// </summary>
internal static class StandardBase64
{
    /// <summary>True when <paramref name="value"/> is non-empty, a multiple of 4 long, of the standard alphabet, padded only at the end.</summary>
    public static bool IsStrict(ReadOnlySpan<char> value)
    {
        if (value.Length == 0 || value.Length % 4 != 0)
        {
            return false;
        }
        var padding = value[^1] == '=' ? (value[^2] == '=' ? 2 : 1) : 0;
        foreach (var c in value[..^padding])
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '+' || c == '/'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The decoded length of a string that passed <see cref="IsStrict"/>.</summary>
    public static int DecodedLength(ReadOnlySpan<char> value) =>
        value.Length / 4 * 3 - (value[^1] == '=' ? (value[^2] == '=' ? 2 : 1) : 0);
}
