using System.Diagnostics;
using System.Text.Json;
using Klusterkluck.Connectors;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Connectors;

/// <summary>A variable a flow's connector node may set, as the connector host declares it.</summary>
/// <param name="Scope">connector (the plugin's own) or delivery (the host's delivery tuning, the same for every connector).</param>
/// <param name="Secret">A credential: the Kubernetes runtime keeps it in a Secret, not in the Deployment.</param>
/// <param name="Listen">Where the connector listens: the platform assigns it (a flow may set it only where the operator allows: Connectors:AllowPublicIngress).</param>
/// <param name="MaxPayload">The largest payload the connector takes, in bytes: at most Flows:MaxPayloadBytes, which the platform sets when the default is larger.</param>
public sealed record ConnectorVariableInfo(string Name, string Description, bool Required, string? Default, string Format, string Scope,
    bool Secret = false, bool Listen = false, bool MaxPayload = false);

public sealed record ConnectorInfo(string Name, string Description, IReadOnlyList<ConnectorVariableInfo> Variables)
{
    /// <summary>The declarations as the connector host checks them, for checking a node's settings with the same code.</summary>
    public IReadOnlyList<ConnectorVariable> Declarations { get; } = [.. Variables.Select(v => new ConnectorVariable(v.Name, v.Description)
    {
        Required = v.Required,
        Default = v.Default,
        Format = Enum.Parse<VariableFormat>(v.Format, ignoreCase: true),
        Secret = v.Secret,
        Listen = v.Listen,
        MaxPayload = v.MaxPayload,
    })];

    /// <summary>The variable that says where the connector listens, if it listens at all.</summary>
    public string? ListenVariable => Variables.FirstOrDefault(v => v.Listen)?.Name;

    /// <summary>The variable that bounds the payloads the connector takes, if it has one.</summary>
    public ConnectorVariableInfo? MaxPayloadVariable => Variables.FirstOrDefault(v => v.MaxPayload);

    public IReadOnlySet<string> SecretVariables { get; } = Variables.Where(v => v.Secret).Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
}

/// <summary>
/// The connectors a flow can use: what the connector host itself reports (<c>--list --json</c>),
/// read once, so the catalog is always the plugins that would really run.
/// </summary>
public sealed partial class ConnectorCatalog(IOptions<ConnectorHostOptions> options, ILogger<ConnectorCatalog> logger)
{
    /// <summary>Set by the platform for every connector; a flow cannot set them.</summary>
    public static readonly IReadOnlySet<string> PlatformVariables = new HashSet<string>(
        ["KK_CONNECTOR", "KK_TARGET_URL", "CALLBACK_URL", "KK_TARGET_TOKEN", "KK_EXIT_WITH_STDIN", "KK_PLUGINS_PATH"], StringComparer.Ordinal);

    private readonly Lock _gate = new();
    private Task<IReadOnlyList<ConnectorInfo>>? _connectors;

    /// <summary>
    /// Every connector, or a <see cref="ConnectorCatalogException"/> saying why the host could not
    /// tell. Read once; a failed read is tried again at the next call.
    /// </summary>
    public Task<IReadOnlyList<ConnectorInfo>> ListAsync()
    {
        lock (_gate)
        {
            if (_connectors is null or { IsFaulted: true } or { IsCanceled: true })
            {
                _connectors = LoadAsync(options.Value.ResolvedHostAssembly, logger);
            }
            return _connectors;
        }
    }

    public async Task<ConnectorInfo?> FindAsync(string name) => (await ListAsync()).FirstOrDefault(c => c.Name == name);

    private static async Task<IReadOnlyList<ConnectorInfo>> LoadAsync(string hostAssembly, ILogger logger)
    {
        var info = new ProcessStartInfo(Runtime.Local.ChildProcess.DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(hostAssembly);
        info.ArgumentList.Add("--list");
        info.ArgumentList.Add("--json");
        try
        {
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            if (process.ExitCode != 0)
            {
                throw new ConnectorCatalogException($"the connector host exited with code {process.ExitCode}: {(await errors).Trim()}");
            }
            var listing = JsonSerializer.Deserialize<Listing>(await output, JsonSerializerOptions.Web)
                ?? throw new ConnectorCatalogException("the connector host listed nothing");
            foreach (var failure in listing.Failures ?? [])
            {
                LogPluginFailed(logger, failure);
            }
            var delivery = (listing.HostVariables ?? []).Where(v => !PlatformVariables.Contains(v.Name))
                .Select(v => v.ToInfo("delivery")).ToList();
            return [.. (listing.Connectors ?? [])
                .Select(c => new ConnectorInfo(c.Name, c.Description, [.. c.Variables.Select(v => v.ToInfo("connector")), .. delivery]))
                .OrderBy(c => c.Name, StringComparer.Ordinal)];
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or JsonException or OperationCanceledException)
        {
            throw new ConnectorCatalogException($"the connector host at {hostAssembly} could not list its connectors: {e.Message}");
        }
    }

    private sealed record Listing(List<Plugin>? Connectors, List<Variable>? HostVariables, List<string>? Failures);

    private sealed record Plugin(string Name, string Description, List<Variable> Variables);

    private sealed record Variable(string Name, string Description, bool Required, string? Default, string Format, bool Secret, bool Listen,
        bool MaxPayload)
    {
        public ConnectorVariableInfo ToInfo(string scope) => new(Name, Description, Required, Default, Format, scope, Secret, Listen, MaxPayload);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A connector plugin did not load: {Failure}")]
    private static partial void LogPluginFailed(ILogger logger, string failure);
}

public sealed class ConnectorCatalogException(string message) : Exception(message);
