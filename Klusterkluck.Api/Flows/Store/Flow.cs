namespace Klusterkluck.Api.Flows;

/// <summary>A user's flow: its saved definition, and which deployment of it (if any) is live.</summary>
public sealed class Flow
{
    public const int MaxNameLength = 40;

    public required string Owner { get; init; }

    public required string Name { get; init; }

    /// <summary>The definition as last saved (JSON), deployed or not.</summary>
    public required string Definition { get; set; }

    /// <summary>The live deployment: its connectors run, and events are accepted for it.</summary>
    public Guid? DeploymentId { get; set; }

    /// <summary>
    /// The bearer token the flow's connectors send with each event (KK_TARGET_TOKEN). One per flow,
    /// not per deployment: a connector still draining after a redeploy is still heard.
    /// </summary>
    public required string EventToken { get; init; }

    public DateTime CreatedAt { get; init; } = DateTime.UtcNow;

    public DateTime UpdatedAt { get; set; } = DateTime.UtcNow;
}

/// <summary>
/// A definition as it was deployed, never changed afterwards: runs keep walking the graph they
/// started on even when the flow is redeployed meanwhile.
/// </summary>
public sealed class FlowDeployment
{
    public Guid Id { get; init; } = Guid.NewGuid();

    public required string Owner { get; init; }

    public required string FlowName { get; init; }

    public required string Definition { get; init; }

    public DateTime CreatedAt { get; init; } = DateTime.UtcNow;
}
