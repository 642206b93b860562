namespace Klusterkluck.Cli.Terminal;

/// <summary>What kk's exit status means, so scripts can tell a refusal from a typo from an outage.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The server refused or failed (a problem detail, a failed deploy, a function's error status).</summary>
    public const int Refused = 1;

    /// <summary>Wrong usage: an unknown command or option, a missing argument, a question with no terminal to ask it on.</summary>
    public const int Usage = 2;

    /// <summary>The server cannot be reached, or no one is signed in to it.</summary>
    public const int Unreachable = 3;
}

/// <summary>Ends a command with a message (already worded for people) and an exit code.</summary>
public sealed class CliException(int exitCode, string message, IReadOnlyList<string>? details = null) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public IReadOnlyList<string> Details { get; } = details ?? [];

    public static CliException Usage(string message) => new(ExitCodes.Usage, message);
}
