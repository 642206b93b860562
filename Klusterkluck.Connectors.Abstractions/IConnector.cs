namespace Klusterkluck.Connectors;

/// <summary>
/// A connector plugin: turns events from outside (HTTP requests, timer ticks, queue messages)
/// into payloads for the connector host to deliver. The host finds every public, non-abstract
/// class implementing this interface with a public parameterless constructor in a plugin's
/// assembly, validates the environment against <see cref="Variables"/>, and calls
/// <see cref="RunAsync"/> once.
/// </summary>
public interface IConnector
{
    /// <summary>The name <c>KK_CONNECTOR</c> selects this plugin by: lowercase, for example <c>timer</c>.</summary>
    string Name { get; }

    /// <summary>One sentence on what the connector does, shown by <c>--list</c> and the connector catalog.</summary>
    string Description { get; }

    /// <summary>
    /// Every environment variable the plugin reads. The host checks presence and format before
    /// <see cref="RunAsync"/> runs, so a missing or malformed value stops the process with a
    /// one-line error instead of failing later.
    /// </summary>
    IReadOnlyList<ConnectorVariable> Variables { get; }

    /// <summary>
    /// Checks what <see cref="Variables"/> cannot express (one of two variables required, a cron
    /// expression's grammar). Called after the host's own checks passed.
    /// </summary>
    /// <returns>One sentence per problem; empty when the settings are usable.</returns>
    IEnumerable<string> Validate(ConnectorSettings settings) => [];

    /// <summary>
    /// Produces payloads until <paramref name="stoppingToken"/> is cancelled, handing each to
    /// <see cref="ConnectorContext.Sink"/>. Returning early or throwing stops the host with a
    /// non-zero exit code, so the orchestrator restarts it.
    /// </summary>
    Task RunAsync(ConnectorContext context, CancellationToken stoppingToken);
}
