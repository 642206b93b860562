namespace Klusterkluck.Functions;

/// <summary>A validated klusterkluck.yaml. Paths are relative to the repository root.</summary>
public sealed record FunctionConfig(
    FunctionKind Kind,
    string? Handler,
    IReadOnlyList<string>? Command,
    string Root,
    TimeSpan Timeout,
    IReadOnlyDictionary<string, string> Env)
{
    public const string FileName = "klusterkluck.yaml";
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(15);
}

/// <summary>klusterkluck.yaml is missing or invalid; the message is one line meant for the user.</summary>
public sealed class FunctionConfigException(string message) : Exception(message);
