using System.Net;

namespace D3Chat.Core.Tests.Fakes;

/// <summary>Answers each request with the next queued status (200 when none is left) and records what was sent.</summary>
public sealed class RecordingHttpHandler : HttpMessageHandler
{
    private readonly Queue<Func<HttpResponseMessage>> _answers = new();

    public List<RecordedRequest> Requests { get; } = [];

    public RecordingHttpHandler Then(HttpStatusCode status)
    {
        _answers.Enqueue(() => new HttpResponseMessage(status));
        return this;
    }

    public RecordingHttpHandler ThenJson(HttpStatusCode status, string json)
    {
        _answers.Enqueue(() => new HttpResponseMessage(status) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") });
        return this;
    }

    public RecordingHttpHandler ThenThrow(Exception exception)
    {
        _answers.Enqueue(() => throw exception);
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add(new RecordedRequest(request.Method, request.RequestUri!, request.Headers.Authorization?.Parameter, body,
            request.Content?.Headers.ContentType?.MediaType));
        return _answers.TryDequeue(out var answer) ? answer() : new HttpResponseMessage(HttpStatusCode.Accepted);
    }
}

public sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Bearer, string? Body, string? ContentType);
