using System.Text.Json;

namespace D3Chat.Core.Http;

/// <summary>Turns jsonb columns read as text into detached <see cref="JsonElement"/>s for response bodies.</summary>
internal static class JsonText
{
    public static JsonElement? Parse(string? json)
    {
        if (json is null)
        {
            return null;
        }
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
