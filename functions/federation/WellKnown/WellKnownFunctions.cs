using D3Chat.Core.Crypto;
using D3Chat.Core.Federation;
using D3Chat.Core.Hosting;
using D3Chat.Core.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace D3Chat.Functions.Federation.WellKnown;

public sealed class WellKnownFunctions(ServerSigningKey signingKey, IOptions<ServerOptions> server, IOptions<FederationOptions> federation)
{
    /// <summary>The discovery document of spec federation.md §2.1; <c>max_batch_events</c> (D3Chat) offers §4.1 batches.</summary>
    [Function(nameof(ServerDiscovery))]
    public IActionResult ServerDiscovery(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ".well-known/d3chat-server")] HttpRequest req) =>
        ApiResults.Ok(new
        {
            domain = server.Value.Domain,
            signing_key_public = signingKey.PublicKeyBase64,
            api_base_url = server.Value.EffectiveApiBaseUrl,
            protocol_version = 1,
            max_batch_events = Math.Clamp(federation.Value.MaxBatchEvents, 1, FederationBatches.MaxEvents),
        });
}
