namespace Klusterkluck.Api.Runtime.Kubernetes;

/// <summary>The labels on everything the runtime creates: whose it is, which function or connector, and that Klusterkluck manages it.</summary>
public static class Labels
{
    public const string ManagedBy = "app.kubernetes.io/managed-by";
    public const string Name = "app.kubernetes.io/name";
    public const string PartOf = "app.kubernetes.io/part-of";
    public const string User = "klusterkluck.io/user";
    public const string Function = "klusterkluck.io/function";
    public const string Commit = "klusterkluck.io/commit";
    public const string Component = "app.kubernetes.io/component";
    public const string Flow = "klusterkluck.io/flow";
    public const string Node = "klusterkluck.io/node";
    public const string Connector = "klusterkluck.io/connector";

    /// <summary>On a build Job and its pod: the function it builds (not <see cref="Function"/>, which selects the function's serving pods).</summary>
    public const string Build = "klusterkluck.io/build";

    /// <summary>An annotation, not a label: a revision is whatever string the flow engine makes it, not a label value.</summary>
    public const string Revision = "klusterkluck.io/revision";

    public const string Klusterkluck = "klusterkluck";
    public const string ConnectorComponent = "connector";
    public const string BuildComponent = "build";

    public static Dictionary<string, string> ForTenant(string user) => new()
    {
        [ManagedBy] = Klusterkluck,
        [PartOf] = Klusterkluck,
        [User] = user,
    };

    public static Dictionary<string, string> ForFunction(FunctionId id) => new(ForTenant(id.User))
    {
        [Name] = id.Name,
        [Function] = id.Name,
    };

    /// <summary>
    /// A build Job and its pod. Without <see cref="Function"/>: the function's Service, its
    /// Deployment's rollout and its replicas select on that, and a build pod is none of them.
    /// </summary>
    public static Dictionary<string, string> ForBuild(FunctionId id, string commit) => new(ForTenant(id.User))
    {
        [Name] = id.Name,
        [Component] = BuildComponent,
        [Build] = id.Name,
        [Commit] = commit,
    };

    public static string BuildSelectorText(FunctionId id) => $"{Build}={id.Name}";

    /// <summary>The Deployment's selector: immutable once created, so only what never changes.</summary>
    public static Dictionary<string, string> Selector(FunctionId id) => new() { [Function] = id.Name };

    public static string SelectorText(FunctionId id) => $"{Function}={id.Name}";

    /// <summary>A connector node's objects; <see cref="Connector"/> (the object name) tells instances apart within the namespace.</summary>
    public static Dictionary<string, string> ForConnector(ConnectorId id, string name) => new(ForTenant(id.User))
    {
        [Name] = "klusterkluck-connectors",
        [Component] = ConnectorComponent,
        [Flow] = id.Flow,
        [Node] = id.Node,
        [Connector] = name,
    };

    public static Dictionary<string, string> ConnectorSelector(string name) => new() { [Connector] = name };

    /// <summary>Every connector of one flow (flow names are unique per user, and the namespace is the user's).</summary>
    public static string FlowSelectorText(string flow) => $"{Component}={ConnectorComponent},{Flow}={flow}";
}
