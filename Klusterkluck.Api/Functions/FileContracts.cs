namespace Klusterkluck.Api.Functions;

/// <param name="Commit">The full sha of the commit listed.</param>
/// <param name="Entries">Every file of the commit, sorted by path (ordinal), at most 10 000.</param>
/// <param name="Truncated">The commit has more files than are listed.</param>
public sealed record TreeResponse(string Commit, IReadOnlyList<TreeEntryResponse> Entries, bool Truncated);

/// <param name="Path">From the repository's root, folders separated by '/'.</param>
/// <param name="Kind">file, symlink (its content is the link's target) or submodule (nothing to read).</param>
/// <param name="Size">In bytes; 0 for a submodule.</param>
/// <param name="Binary">A NUL among the first 8000 bytes, or not UTF-8; null when not read (too large, a submodule, or past what one listing reads).</param>
/// <param name="TooLarge">Over 1 MiB: its content is never sent.</param>
public sealed record TreeEntryResponse(string Path, string Kind, long Size, bool Executable, bool? Binary, bool TooLarge);

/// <param name="Content">The UTF-8 text; null when binary or too large, as the flags say.</param>
public sealed record FileResponse(string Path, string Commit, string Kind, long Size, bool Executable, bool? Binary, bool TooLarge, string? Content);

/// <param name="Parent">The full sha the changes were made on: the head of main when the client read it.</param>
/// <param name="Message">The commit message, trimmed; at most 4000 characters.</param>
/// <param name="Changes">Applied together as one commit; at least one, each path at most once.</param>
public sealed record CommitRequest(string? Parent, string? Message, IReadOnlyList<FileChangeRequest?>? Changes);

/// <param name="Path">Relative to the repository's root, normalized, '/' between folders; not into .git.</param>
/// <param name="Action">add (a new file), change (an existing file) or delete.</param>
/// <param name="Content">The whole new text, for add and change; written as UTF-8.</param>
/// <param name="Executable">The file's mode: add defaults to false, change keeps the file's mode.</param>
public sealed record FileChangeRequest(string? Path, string? Action, string? Content, bool? Executable);
