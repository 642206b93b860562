namespace Klusterkluck.Functions;

/// <summary>How a function's code is run. The yaml names are the lower-case names.</summary>
public enum FunctionKind
{
    NodeJs,
    Exec,
    Static,

    /// <summary>A C# project at the repository's root, published at build time and loaded into the worker.</summary>
    Dotnet,
}

public static class FunctionKinds
{
    public static IReadOnlyList<string> Names { get; } = ["nodejs", "exec", "static", "dotnet"];

    public static string ToName(this FunctionKind kind) => Names[(int)kind];

    public static bool TryParse(string? name, out FunctionKind kind)
    {
        (var known, kind) = name?.Trim().ToLowerInvariant() switch
        {
            "nodejs" => (true, FunctionKind.NodeJs),
            "exec" => (true, FunctionKind.Exec),
            "static" => (true, FunctionKind.Static),
            "dotnet" => (true, FunctionKind.Dotnet),
            _ => (false, default),
        };
        return known;
    }
}
