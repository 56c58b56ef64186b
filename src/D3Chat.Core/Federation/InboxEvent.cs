using System.Text.Json;

namespace D3Chat.Core.Federation;

/// <summary>A verified, parsed inbox event: the common envelope fields plus the raw object for the handler.</summary>
internal sealed record InboxEvent(string EventId, string Type, string Origin, JsonElement Body)
{
    /// <summary>A string field, or null when missing or not a string.</summary>
    public string? String(string name) =>
        Body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A UUID field (string form), or null.</summary>
    public Guid? Uuid(string name) => Guid.TryParse(String(name), out var id) ? id : null;

    public int? Int(string name) =>
        Body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : null;
}
