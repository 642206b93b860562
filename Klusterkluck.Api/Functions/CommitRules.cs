using System.Text;
using Klusterkluck.Api.Git;

namespace Klusterkluck.Api.Functions;

/// <summary>
/// What a <see cref="CommitRequest"/> must be on its own, before the repository is read: every
/// problem at once, keyed by where it is (<c>parent</c>, <c>changes[0].path</c>), as the flow
/// definitions are. What depends on the files (add of an existing path) is <see cref="ChangedTrees.Problems"/>.
/// </summary>
public static class CommitRules
{
    public const int MaxMessageLength = 4000;

    /// <summary>As many changes as a listing shows files (<see cref="FileTree.MaxEntries"/>).</summary>
    public const int MaxChanges = FileTree.MaxEntries;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The problems of <paramref name="request"/>; when there are none, its changes as git will write them.</summary>
    public static (Dictionary<string, string[]> Problems, List<FileChange> Changes) Check(CommitRequest request)
    {
        var problems = new Dictionary<string, string[]>();
        if (request.Parent is not { Length: 40 } parent || !parent.All(char.IsAsciiHexDigit))
        {
            problems["parent"] = ["parent is the full sha (40 hexadecimal digits) of the commit the changes were made on."];
        }
        if (string.IsNullOrWhiteSpace(request.Message))
        {
            problems["message"] = ["A commit message is required."];
        }
        else if (request.Message.Trim().Length > MaxMessageLength)
        {
            problems["message"] = [$"A commit message has at most {MaxMessageLength} characters."];
        }
        else if (request.Message.Contains('\0'))
        {
            problems["message"] = ["A commit message cannot hold a NUL character."];
        }
        var changes = new List<FileChange>();
        if (request.Changes is not { Count: > 0 } requested)
        {
            problems["changes"] = ["At least one change is required."];
            return (problems, changes);
        }
        if (requested.Count > MaxChanges)
        {
            problems["changes"] = [$"A commit has at most {MaxChanges} changes."];
            return (problems, changes);
        }
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < requested.Count; i++)
        {
            if (Change(requested[i], $"changes[{i}]", problems) is not { } change)
            {
                continue;
            }
            if (!seen.TryAdd(change.Path, i))
            {
                problems[$"changes[{i}].path"] = [$"changes[{seen[change.Path]}] already changes '{change.Path}'; a path appears once."];
                continue;
            }
            changes.Add(change);
        }
        return (problems, changes);
    }

    private static FileChange? Change(FileChangeRequest? request, string key, Dictionary<string, string[]> problems)
    {
        if (request is null)
        {
            problems[key] = ["A change is an object: { path, action, content, executable }."];
            return null;
        }
        var before = problems.Count;
        if (FilePaths.Problem(request.Path) is { } path)
        {
            problems[$"{key}.path"] = [path];
        }
        FileAction? action = request.Action switch
        {
            "add" => FileAction.Add,
            "change" => FileAction.Change,
            "delete" => FileAction.Delete,
            _ => null,
        };
        if (action is null)
        {
            problems[$"{key}.action"] = ["action is add, change or delete."];
        }
        byte[]? content = null;
        if (action == FileAction.Delete)
        {
            if (request.Content is not null || request.Executable is not null)
            {
                problems[request.Content is not null ? $"{key}.content" : $"{key}.executable"] = ["A delete takes no content and no mode."];
            }
        }
        else if (action is not null && request.Content is null)
        {
            problems[$"{key}.content"] = ["The file's whole new text is required to add or change it."];
        }
        else if (action is not null)
        {
            try
            {
                content = s_strictUtf8.GetBytes(request.Content!);
            }
            catch (EncoderFallbackException)
            {
                problems[$"{key}.content"] = ["The content is not valid Unicode text (a lone surrogate)."];
            }
        }
        return problems.Count == before ? new FileChange(request.Path!, action!.Value, content, request.Executable) : null;
    }
}
