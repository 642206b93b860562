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
    /// <summary>exec and static: a shell command run once per commit at build time (<c>build: make</c>); null for none.</summary>
    public string? Build { get; init; }

    /// <summary>nodejs: whether <c>npm ci</c> runs the dependencies' install scripts (off by default: they are anybody's code).</summary>
    public bool InstallScripts { get; init; }

    public const string FileName = "klusterkluck.yaml";

    /// <summary>
    /// A config has eight keys; a larger file is refused before it is read whole, so a pushed
    /// gigabyte named klusterkluck.yaml costs neither the Api nor a worker its memory.
    /// </summary>
    public const int MaxFileBytes = 64 * 1024;

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(15);
}

/// <summary>klusterkluck.yaml is missing or invalid; the message is one line meant for the user.</summary>
public sealed class FunctionConfigException(string message) : Exception(message)
{
    public static FunctionConfigException TooLarge(long size) =>
        new($"{FunctionConfig.FileName} is {size} bytes; a config may have at most {FunctionConfig.MaxFileBytes}");
}
