using Microsoft.EntityFrameworkCore;

namespace Klusterkluck.Api.Throttling;

/// <summary>Sets every function's throttle from the store when the Api starts, before it serves.</summary>
internal sealed class ThrottleLoader(IServiceScopeFactory scopes, FunctionThrottles throttles) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<StoreContext>();
        var limited = await store.Functions.AsNoTracking()
            .Where(f => f.RateLimit != null || f.MaxInFlight != null)
            .ToListAsync(cancellationToken);
        foreach (var function in limited)
        {
            throttles.Set(new Runtime.FunctionId(function.Owner, function.Name), ThrottleSettings.Of(function));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
