using D3Chat.Core.Caching;

namespace D3Chat.Core.Tests.Caching;

public sealed class ExpiringMemoTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TryGet_BeforeTheEnd_GivesTheValue_AndFromTheEndOnNothing()
    {
        var memo = new ExpiringMemo<string, int>(10);
        memo.Set("a", 1, Now.AddMinutes(1));

        Assert.True(memo.TryGet("a", Now.AddSeconds(59), out var value));
        Assert.Equal(1, value);
        Assert.False(memo.TryGet("a", Now.AddMinutes(1), out _));
        Assert.False(memo.TryGet("a", Now, out _));
    }

    [Fact]
    public void Set_WhenFull_StartsOver()
    {
        var memo = new ExpiringMemo<string, int>(2);
        memo.Set("a", 1, Now.AddMinutes(1));
        memo.Set("b", 2, Now.AddMinutes(1));

        memo.Set("c", 3, Now.AddMinutes(1));

        Assert.False(memo.TryGet("a", Now, out _));
        Assert.False(memo.TryGet("b", Now, out _));
        Assert.True(memo.TryGet("c", Now, out var c));
        Assert.Equal(3, c);
    }
}
