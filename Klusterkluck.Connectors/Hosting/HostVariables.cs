namespace Klusterkluck.Connectors.Hosting;

/// <summary>The variables the host itself reads, whichever connector it runs (DESIGN.md "Connector").</summary>
internal static class HostVariables
{
    public const string Connector = "KK_CONNECTOR";
    public const string TargetUrl = "KK_TARGET_URL";
    public const string TargetUrlAlias = "CALLBACK_URL";
    public const string TargetToken = "KK_TARGET_TOKEN";
    public const string ExitWithStdin = ParentWatch.Variable;
    public const string PluginsPath = "KK_PLUGINS_PATH";
    public const string Buffer = "KK_DELIVERY_BUFFER";
    public const string Parallelism = "KK_DELIVERY_PARALLELISM";
    public const string Attempts = "KK_DELIVERY_ATTEMPTS";
    public const string Backoff = "KK_DELIVERY_BACKOFF";
    public const string BackoffMax = "KK_DELIVERY_BACKOFF_MAX";
    public const string Timeout = "KK_DELIVERY_TIMEOUT";
    public const string DrainTimeout = "KK_DRAIN_TIMEOUT";

    public static readonly IReadOnlyList<ConnectorVariable> All =
    [
        new(Connector, "The connector to run, by name (see --list)") { Required = true },
        new(TargetUrl, $"Where each payload is POSTed; {TargetUrlAlias} is accepted instead") { Required = true, Format = VariableFormat.Url },
        new(TargetToken, "When set, sent as 'Authorization: Bearer <token>' with every delivery (flows give each connector one)"),
        new(ExitWithStdin, "Stop (draining, as on SIGTERM) when stdin reaches its end: the Api's local runtime keeps a pipe open to each connector") { Default = "false", Format = VariableFormat.Boolean },
        new(PluginsPath, "The folder holding one folder per plugin (X/X.dll)") { Default = DefaultPluginsPath },
        new(Buffer, "Payloads held in memory awaiting delivery; a full buffer makes the connector wait") { Default = "1000", Format = VariableFormat.PositiveInteger },
        new(Parallelism, "Ordered lanes, and as many workers for payloads without an order key (payloads with the same key always go one at a time)") { Default = "8", Format = VariableFormat.PositiveInteger },
        new(Attempts, "Attempts per payload before it is dead-lettered") { Default = "30", Format = VariableFormat.PositiveInteger },
        new(Backoff, "Wait before the first retry; doubled on each retry, with jitter") { Default = "500ms", Format = VariableFormat.Duration },
        new(BackoffMax, "Longest wait between two attempts") { Default = "30s", Format = VariableFormat.Duration },
        new(Timeout, "How long one attempt waits for the target's answer") { Default = "30s", Format = VariableFormat.Duration },
        new(DrainTimeout, "On shutdown, how long buffered payloads still get to reach the target") { Default = "20s", Format = VariableFormat.Duration },
    ];

    public static string DefaultPluginsPath => Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>The environment, with <c>CALLBACK_URL</c> standing in for an unset <c>KK_TARGET_URL</c>.</summary>
    public static string? Read(string name)
    {
        var value = Environment.GetEnvironmentVariable(name);
        return name == TargetUrl && string.IsNullOrWhiteSpace(value) ? Environment.GetEnvironmentVariable(TargetUrlAlias) : value;
    }
}
