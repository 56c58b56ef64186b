using System.Xml.Linq;

namespace D3Chat.Infra.Tests;

/// <summary>
/// Core's types are internal unless another project needs them (docs/architecture.md, "Core"). Only
/// its unit tests may see internals: granting them to a function app or the integration tests
/// would let the convention erode without a compile error.
/// </summary>
public sealed class VisibilityTests
{
    [Fact]
    public void CoreProject_InternalsVisibleTo_IsOnlyTheUnitTests()
    {
        var project = XDocument.Load(Path.Combine(RepoPaths.Root, "src", "D3Chat.Core", "D3Chat.Core.csproj"));

        var friends = project.Descendants("InternalsVisibleTo").Select(e => (string?)e.Attribute("Include")).ToList();

        Assert.Equal(["D3Chat.Core.Tests"], friends);
    }
}
