using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Klusterkluck.Api.Identity.Embedded;

/// <summary>
/// The server listens before its clients are saved (their redirect URIs need its addresses): until
/// then a sign-in would be refused as from an unknown client, so the Api does not say it is ready.
/// </summary>
internal sealed class EmbeddedClientsCheck(EmbeddedClients clients) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(clients.Registered.IsCompletedSuccessfully
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("the embedded provider's clients are not registered yet"));
}
