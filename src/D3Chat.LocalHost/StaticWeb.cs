using D3Chat.Core.Http;
using Microsoft.Extensions.FileProviders;

namespace D3Chat.LocalHost;

internal static class StaticWeb
{
    // Paths owned by the function apps: an unknown one is a JSON 404, never the web client's index page.
    private static readonly string[] ServerPrefixes = ["/api/", "/federation/", "/.well-known/", "/_localhost/"];

    /// <summary>Serves <c>static-web/dist</c> (the built client) at <c>/</c>, as the Static Web App does in Azure.</summary>
    public static void UseLocalStaticWeb(this WebApplication app, string repoRoot)
    {
        var dist = Path.Combine(repoRoot, "static-web", "dist");
        if (!Directory.Exists(dist))
        {
            app.Logger.LogWarning("static-web/dist does not exist; build the web client (scripts/run does) to serve it");
            return;
        }
        var files = new PhysicalFileProvider(dist);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
    }

    /// <summary>JSON 404 for unknown server paths; the client's index.html for every other path (client-side routing).</summary>
    public static void MapUnmatchedRoutes(this WebApplication app)
    {
        var index = Path.Combine(LocalSettings.FindRepoRoot(app.Configuration["LocalHost:RepoRoot"]), "static-web", "dist", "index.html");
        // MapFallback's pattern skips paths whose last segment looks like a file name, so it never shadows
        // the web client's files; under the server prefixes there are none, and such a path
        // (/api/v1/x.json, or ".json" followed by an encoded CRLF) gets the JSON 404 here.
        foreach (var prefix in ServerPrefixes)
        {
            app.MapFallback(prefix.TrimStart('/') + "{**path}", NotFoundAsync);
        }
        app.MapFallback(async context =>
        {
            var path = context.Request.Path.Value ?? "/";
            if (ServerPrefixes.Any(p => path.StartsWith(p, StringComparison.Ordinal)) || !File.Exists(index) || !HttpMethods.IsGet(context.Request.Method))
            {
                await NotFoundAsync(context);
                return;
            }
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.SendFileAsync(index);
        });
    }

    private static Task NotFoundAsync(HttpContext context) =>
        ApiResults.From(Problem.RouteNotFound)
            .ExecuteResultAsync(new Microsoft.AspNetCore.Mvc.ActionContext(context, context.GetRouteData(), new Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor()));
}
