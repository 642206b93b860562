namespace Klusterkluck.Api.Connectors;

/// <summary>Section <c>Connectors</c>: where the connector host is, for its catalog and for the local runtime; whether flows may choose where their connectors listen.</summary>
public sealed class ConnectorHostOptions
{
    public const string Section = "Connectors";

    /// <summary>The connector host's assembly; default: <c>connectors/Klusterkluck.Connectors.dll</c> beside the Api, where its build puts it.</summary>
    public string? HostAssembly { get; set; }

    /// <summary>
    /// Whether a flow may set a connector's listen address (the http connector's <c>KK_HTTP_URLS</c>)
    /// itself. Off by default: the runtime assigns it (the local runtime a loopback port it picks),
    /// so no tenant can take an address another tenant's connector uses, or listen beyond loopback.
    /// </summary>
    public bool AllowPublicIngress { get; set; }

    public string ResolvedHostAssembly =>
        Path.GetFullPath(HostAssembly is { Length: > 0 } path ? path : Path.Combine(AppContext.BaseDirectory, "connectors", "Klusterkluck.Connectors.dll"));
}
