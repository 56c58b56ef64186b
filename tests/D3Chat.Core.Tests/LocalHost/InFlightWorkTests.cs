using D3Chat.LocalHost.Functions;

namespace D3Chat.Core.Tests.LocalHost;

/// <summary>The LocalHost runs queue messages side by side, up to batchSize, as the Functions host does.</summary>
public sealed class InFlightWorkTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Start_TwoMessages_BothRunBeforeEitherFinishes()
    {
        var work = new InFlightWork(limit: 16);
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        work.Start(async () => { firstStarted.SetResult(); await release.Task; });
        work.Start(async () => { secondStarted.SetResult(); await release.Task; });

        // Neither can finish until both have started: in order, this would never complete.
        await Task.WhenAll(firstStarted.Task, secondStarted.Task).WaitAsync(Patience);
        Assert.Equal(14, work.Room);
        release.SetResult();
        await work.WaitUntilAtMostAsync(0).WaitAsync(Patience);
        Assert.Equal(16, work.Room);
    }

    [Fact]
    public async Task WaitUntilAtMostAsync_FullBatch_ReturnsWhenEnoughHaveFinished()
    {
        var work = new InFlightWork(limit: 4);
        var gates = Enumerable.Range(0, 4).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        foreach (var gate in gates)
        {
            work.Start(() => gate.Task);
        }

        var waiting = work.WaitUntilAtMostAsync(2);
        gates[0].SetResult();
        Assert.False(waiting.IsCompleted);
        gates[1].SetResult();

        await waiting.WaitAsync(Patience);
        Assert.Equal(2, work.Room);
        gates[2].SetResult();
        gates[3].SetResult();
    }
}
