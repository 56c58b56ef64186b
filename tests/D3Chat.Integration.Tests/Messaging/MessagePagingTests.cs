using D3Chat.Integration.Tests.Infrastructure;
using Dapper;

namespace D3Chat.Integration.Tests.Messaging;

[Collection(ServerCollections.Messaging)]
public sealed class MessagePagingTests(ServerFixture fixture)
{
    private readonly D3ChatServer _server = fixture.Server;

    [Theory]
    [InlineData(100)]
    [InlineData(37)]
    public async Task ListMessages_ThousandMessagesWithTiedTimestamps_PagesThroughEachExactlyOnce(int limit)
    {
        var owner = await TestUser.NewAsync(_server);
        var channel = await owner.Client.CreateChannelAsync("bulk");
        // Bulk setup straight into the table: 1,000 messages over only 40 distinct timestamps, so
        // almost every page boundary falls inside a run of equal created_at values.
        var baseTime = DateTimeOffset.UtcNow.AddHours(-1);
        var ids = Enumerable.Range(0, 1000).Select(_ => Guid.NewGuid()).ToArray();
        await using (var dataSource = _server.CreateDataSource())
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("""
                INSERT INTO messages (id, channel_id, sender_id, content, content_type, protocol_version, created_at)
                SELECT id, @ChannelId, @SenderId, 'bulk', 'text', 1, @Base + make_interval(secs => (n % 40))
                FROM unnest(@Ids) WITH ORDINALITY AS t(id, n)
                """, new { ChannelId = channel.Id, SenderId = owner.Id, Base = baseTime, Ids = ids });
        }

        var seen = new List<Guid>();
        var page = await owner.Client.GetMessagesAsync(channel.Id, limit: limit);
        var pages = 1;
        seen.InsertRange(0, page.Messages.Select(m => m.Id));
        while (page.HasMore)
        {
            var oldest = page.Messages[0];
            page = await owner.Client.GetMessagesAsync(channel.Id, before: oldest.CreatedAt, beforeId: oldest.Id, limit: limit);
            seen.InsertRange(0, page.Messages.Select(m => m.Id));
            pages++;
            Assert.True(pages <= 1000 / limit + 1, "paging did not terminate");
        }

        Assert.Equal(1000, seen.Count);
        Assert.Equal(1000, seen.Distinct().Count());
        Assert.Equal(ids.OrderBy(i => i), seen.OrderBy(i => i));
        Assert.Equal((1000 + limit - 1) / limit, pages);
    }
}
