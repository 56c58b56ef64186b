using System.Text.Json;

namespace D3Chat.Core.Http;

/// <summary>
/// Finds text PostgreSQL cannot store: U+0000 (refused in text and jsonb) and lone UTF-16 surrogates
/// (not encodable as UTF-8). Checked once for every JSON body and query string, so no handler sees them.
/// </summary>
internal static class UnstorableText
{
    /// <summary>The first string or property name of <paramref name="json"/> holding unstorable text, as a 422 field error; null when none (or when the JSON is malformed, which the serializer reports).</summary>
    public static FieldError? Find(byte[] json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 });
        string? property = null;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
                {
                    continue;
                }
                string text;
                try
                {
                    text = reader.GetString()!;
                }
                catch (InvalidOperationException)
                {
                    return Error(property ?? "body", "String contains a lone surrogate");
                }
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    property = text;
                }
                if (Problem(text) is { } problem)
                {
                    return Error(reader.TokenType == JsonTokenType.PropertyName ? "body" : property ?? "body", problem);
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }
        return null;
    }

    /// <summary>Why <paramref name="text"/> cannot be stored, or null when it can.</summary>
    public static string? Problem(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                return "String contains a NUL character";
            }
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return "String contains a lone surrogate";
            }
        }
        return null;
    }

    private static FieldError Error(string field, string message) => new(["body", field], message, "string_unstorable");
}
