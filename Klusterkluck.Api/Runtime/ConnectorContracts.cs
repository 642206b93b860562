namespace Klusterkluck.Api.Runtime;

/// <summary>One connector instance: a connector node of a user's flow.</summary>
public sealed record ConnectorId(string User, string Flow, string Node)
{
    public override string ToString() => $"{User}/{Flow}/{Node}";
}

/// <summary>
/// What to run for a connector node: the connector host with <c>KK_CONNECTOR</c> = <paramref name="Plugin"/>
/// and <paramref name="Environment"/> (the node's settings, <c>KK_TARGET_URL</c> and <c>KK_TARGET_TOKEN</c>).
/// </summary>
/// <param name="Revision">Changes whenever anything the process is started with changes: an equal revision is already running as it should.</param>
public sealed record ConnectorDeployment(ConnectorId Id, string Plugin, IReadOnlyDictionary<string, string> Environment, string Revision)
{
    /// <summary>
    /// The variable the runtime sets to where the connector listens for events (the http
    /// connector's <c>KK_HTTP_URLS</c>), an address of the runtime's choosing; null when the
    /// connector does not listen, or listens where its settings say (Connectors:AllowPublicIngress).
    /// </summary>
    public string? Listen { get; init; }

    /// <summary>The variables of <see cref="Environment"/> that are credentials, which a runtime keeps apart (a Kubernetes Secret).</summary>
    public IReadOnlySet<string> Secrets { get; init; } = new HashSet<string>();
}

/// <param name="State">running, restarting, failed (it cannot start: <paramref name="Error"/> says why), or a Kubernetes reason.</param>
/// <param name="Url">Where the connector takes events (an http connector's address: locally a loopback port, in Kubernetes its Service or Ingress); null for one that does not listen, or has not said yet.</param>
public sealed record ConnectorStatus(string Node, string Revision, string State, int Restarts, int? ProcessId, string? Error, string? Pod = null,
    string? Url = null);
