namespace Klusterkluck.Connectors;

/// <summary>An environment variable a connector reads.</summary>
/// <param name="Name">The variable's name, by convention <c>KK_{CONNECTOR}_{SETTING}</c>.</param>
/// <param name="Description">What it sets, in one sentence, for <c>--list</c> and the connector catalog.</param>
public sealed record ConnectorVariable(string Name, string Description)
{
    /// <summary>Whether the connector cannot start without it.</summary>
    public bool Required { get; init; }

    /// <summary>The value used when the variable is unset or empty.</summary>
    public string? Default { get; init; }

    /// <summary>The grammar the host checks the value against before the connector runs.</summary>
    public VariableFormat Format { get; init; } = VariableFormat.Text;

    /// <summary>
    /// Whether the value is a credential (a token, a password, a URL with one in it): a platform
    /// that runs the connector keeps it apart from the rest of its configuration (in a Kubernetes
    /// Secret, say), and tools do not show it.
    /// </summary>
    public bool Secret { get; init; }

    /// <summary>
    /// Whether the variable says where the connector listens for events from outside, in
    /// <c>ASPNETCORE_URLS</c>' form. A platform that runs connectors for several tenants sets it
    /// itself (a loopback port it picks, a pod's port) rather than take a tenant's value, and learns
    /// the address actually bound from the <see cref="ConnectorLines.Listening"/> lines the
    /// connector prints.
    /// </summary>
    public bool Listen { get; init; }

    /// <summary>
    /// Whether the variable is the largest payload the connector takes, in bytes (a
    /// <see cref="VariableFormat.PositiveInteger"/>). A platform whose target takes less refuses a
    /// larger value and, when the variable is unset and its default is larger, sets it to its own
    /// limit: a connector must not accept what its target will refuse.
    /// </summary>
    public bool MaxPayload { get; init; }
}

/// <summary>The grammar of a <see cref="ConnectorVariable"/>'s value.</summary>
public enum VariableFormat
{
    /// <summary>Any text.</summary>
    Text,

    /// <summary>An absolute URL, for example <c>nats://127.0.0.1:4222</c>.</summary>
    Url,

    /// <summary>A number with an optional unit: <c>250ms</c>, <c>10s</c>, <c>5m</c>, <c>1h</c>; no unit means seconds; above zero, at most 720h.</summary>
    Duration,

    /// <summary>A whole number of at least 1.</summary>
    PositiveInteger,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,
}
