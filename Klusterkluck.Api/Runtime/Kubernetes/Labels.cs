namespace Klusterkluck.Api.Runtime.Kubernetes;

/// <summary>The labels on everything the runtime creates: whose it is, which function, and that Klusterkluck manages it.</summary>
public static class Labels
{
    public const string ManagedBy = "app.kubernetes.io/managed-by";
    public const string Name = "app.kubernetes.io/name";
    public const string PartOf = "app.kubernetes.io/part-of";
    public const string User = "klusterkluck.io/user";
    public const string Function = "klusterkluck.io/function";
    public const string Commit = "klusterkluck.io/commit";
    public const string Klusterkluck = "klusterkluck";

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

    /// <summary>The Deployment's selector: immutable once created, so only what never changes.</summary>
    public static Dictionary<string, string> Selector(FunctionId id) => new() { [Function] = id.Name };

    public static string SelectorText(FunctionId id) => $"{Function}={id.Name}";
}
