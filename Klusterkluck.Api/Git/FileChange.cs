namespace Klusterkluck.Api.Git;

public enum FileAction
{
    Add,
    Change,
    Delete,
}

/// <summary>One file of a commit written through the API, already checked on its own (<see cref="FilePaths"/>).</summary>
/// <param name="Content">The new bytes for add and change; null for delete.</param>
/// <param name="Executable">null: add makes a plain file, change keeps the file's mode.</param>
public sealed record FileChange(string Path, FileAction Action, byte[]? Content, bool? Executable);
