using System.Text;

namespace Klusterkluck.Api.Git;

/// <summary>
/// Which paths a commit through the API may write: relative, already normalized, nothing git
/// itself refuses in a checkout. A path that would need rewriting is refused rather than
/// rewritten, so that what the client sent is what the commit holds.
/// </summary>
public static class FilePaths
{
    public const int MaxLength = 1024;

    /// <summary>NAME_MAX of the file systems a clone lands on.</summary>
    public const int MaxSegmentBytes = 255;

    /// <summary>Why <paramref name="path"/> cannot be written, or null when it can.</summary>
    public static string? Problem(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "A path is required.";
        }
        if (path.Length > MaxLength)
        {
            return $"A path has at most {MaxLength} characters.";
        }
        if (path.StartsWith('/'))
        {
            return "The path must be relative to the repository's root, without a leading '/'.";
        }
        if (path.Contains('\\'))
        {
            return "Use '/' between folders; '\\' is not allowed in a path.";
        }
        if (path.Any(char.IsControl))
        {
            return "A path cannot hold control characters.";
        }
        foreach (var segment in path.Split('/'))
        {
            if (segment is "" or "." or "..")
            {
                return "The path must be normalized: no empty, '.' or '..' segments, no trailing '/'.";
            }
            if (IsGitFolder(segment))
            {
                return "A path cannot go into .git: the repository's own files are not files of the function.";
            }
            if (Encoding.UTF8.GetByteCount(segment) > MaxSegmentBytes)
            {
                return $"A file or folder name has at most {MaxSegmentBytes} bytes.";
            }
        }
        return null;
    }

    /// <summary>
    /// <c>.git</c> as git's own checks see it (core.protectNTFS and protectHFS are on by default):
    /// any case, trailing dots or spaces, the NTFS short name, and the code points HFS+ ignores.
    /// </summary>
    private static bool IsGitFolder(string segment)
    {
        var visible = string.Concat(segment.Where(c => !IsIgnoredByHfs(c)));
        return visible.TrimEnd('.', ' ').Equals(".git", StringComparison.OrdinalIgnoreCase)
            || visible.Equals("git~1", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsIgnoredByHfs(char c) =>
        c is >= '\u200c' and <= '\u200f' or >= '\u202a' and <= '\u202e' or >= '\u206a' and <= '\u206f' or '\ufeff';
}
