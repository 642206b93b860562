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
public sealed record ConnectorDeployment(ConnectorId Id, string Plugin, IReadOnlyDictionary<string, string> Environment, string Revision);

/// <param name="State">running, restarting, failed (it cannot start: <paramref name="Error"/> says why), or a Kubernetes reason.</param>
public sealed record ConnectorStatus(string Node, string Revision, string State, int Restarts, int? ProcessId, string? Error, string? Pod = null);
