using D3Chat.LocalHost.Functions;
using Microsoft.Extensions.Configuration;

namespace D3Chat.Core.Tests.LocalHost;

public sealed class TriggerScheduleTests
{
    private static readonly DateTime Start = new(2026, 11, 26, 10, 0, 7, DateTimeKind.Utc);

    [Fact]
    public void NextOccurrence_SixFieldNcrontab_HonoursSeconds() =>
        Assert.Equal(new DateTime(2026, 11, 26, 10, 0, 30, DateTimeKind.Utc), TimerTriggerScheduler.NextOccurrence("*/30 * * * * *")(Start));

    [Fact]
    public void NextOccurrence_EveryFiveMinutes_SkipsToTheNextMultiple() =>
        Assert.Equal(new DateTime(2026, 11, 26, 10, 5, 0, DateTimeKind.Utc), TimerTriggerScheduler.NextOccurrence("0 */5 * * * *")(Start));

    [Fact]
    public void NextOccurrence_TimeSpan_AddsTheInterval() =>
        Assert.Equal(Start.AddMinutes(2), TimerTriggerScheduler.NextOccurrence("00:02:00")(Start));

    [Fact]
    public void Resolve_PercentNames_AreReadFromConfiguration()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["FanoutQueueName"] = "q-1", ["Queue:Name"] = "q-2" })
            .Build();

        Assert.Equal("q-1", AppSettingExpression.Resolve("%FanoutQueueName%", configuration));
        Assert.Equal("q-2", AppSettingExpression.Resolve("%Queue__Name%", configuration));
        Assert.Equal("literal", AppSettingExpression.Resolve("literal", configuration));
    }

    [Fact]
    public void Resolve_UnknownName_ThrowsNamingTheSetting()
    {
        var configuration = new ConfigurationBuilder().Build();

        var error = Assert.Throws<InvalidOperationException>(() => AppSettingExpression.Resolve("%Missing%", configuration));

        Assert.Contains("Missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromHostJson_MissingFile_UsesTheFunctionsHostDefaults() =>
        Assert.Equal(5, QueueHostOptions.FromHostJson("/nonexistent/host.json").MaxDequeueCount);
}
