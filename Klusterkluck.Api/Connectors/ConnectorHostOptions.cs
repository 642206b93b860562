namespace Klusterkluck.Api.Connectors;

/// <summary>Section <c>Connectors</c>: where the connector host is, for its catalog and for the local runtime.</summary>
public sealed class ConnectorHostOptions
{
    public const string Section = "Connectors";

    /// <summary>The connector host's assembly; default: <c>connectors/Klusterkluck.Connectors.dll</c> beside the Api, where its build puts it.</summary>
    public string? HostAssembly { get; set; }

    public string ResolvedHostAssembly =>
        Path.GetFullPath(HostAssembly is { Length: > 0 } path ? path : Path.Combine(AppContext.BaseDirectory, "connectors", "Klusterkluck.Connectors.dll"));
}
