using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace D3Chat.Infra.Tests;

/// <summary>A YAML file as a JSON tree (mappings as objects, sequences as arrays, scalars as strings), for easy querying.</summary>
internal static class YamlFile
{
    public static JsonObject Load(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return (JsonObject)Convert(stream.Documents.Single().RootNode)!;
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(pair =>
            KeyValuePair.Create(((YamlScalarNode)pair.Key).Value!, Convert(pair.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => scalar.Value is null ? null : JsonValue.Create(scalar.Value),
        _ => throw new NotSupportedException(node.NodeType.ToString()),
    };
}
