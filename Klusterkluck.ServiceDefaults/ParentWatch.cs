using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// For processes the Api's local runtime starts (workers, connectors): it keeps a pipe open to
/// each one's stdin, so stdin reaching its end means the Api is gone, even after a SIGKILL. The
/// process then stops as on SIGTERM, and no orphan keeps running (or delivering) on its own.
/// </summary>
public static class ParentWatch
{
    /// <summary>The variable that turns the watch on (off by default: a pod's stdin is empty).</summary>
    public const string Variable = "KK_EXIT_WITH_STDIN";

    public static void StopWhenStdinEnds(IHostApplicationLifetime lifetime) => _ = WatchAsync(lifetime);

    private static async Task WatchAsync(IHostApplicationLifetime lifetime)
    {
        try
        {
            await using var stdin = Console.OpenStandardInput();
            var buffer = new byte[256];
            while (await stdin.ReadAsync(buffer, lifetime.ApplicationStopping) > 0)
            {
            }
            lifetime.StopApplication();
        }
        catch (OperationCanceledException)
        {
            // Stopping for another reason.
        }
    }
}
