using Klusterkluck.Functions;
using LibGit2Sharp;

namespace Klusterkluck.Worker.Source;

/// <summary>Fetches the function's repository and checks out exactly one commit.</summary>
public static class GitCheckout
{
    /// <summary>Clones <paramref name="url"/> into <paramref name="folder"/> and checks out <paramref name="commit"/>.</summary>
    /// <returns>The full sha of the checked-out commit.</returns>
    public static string Checkout(string url, string commit, string folder, string? token, string? user)
    {
        var source = FileUrlOrUrl(url);
        if (source.StartsWith("file:", StringComparison.Ordinal))
        {
            // In the local runtime's sandbox the worker runs as its tenant's uid, and reads the
            // repository the Api owns (bound read-only, nothing else of the Api's visible). libgit2
            // refuses a repository owned by another user by default (git's safe.directory); a
            // clone only reads it, and runs none of its hooks or configured commands.
            GlobalSettings.SetOwnerValidation(false);
        }
        var options = new CloneOptions { Checkout = false, RecurseSubmodules = false };
        if (!string.IsNullOrEmpty(token))
        {
            options.FetchOptions.CredentialsProvider = (askingUrl, urlUser, _) =>
                SameOrigin(askingUrl, source)
                    ? new UsernamePasswordCredentials { Username = urlUser ?? user ?? "klusterkluck", Password = token }
                    // A redirect to another host gets no credential meant for ours.
                    : throw new LibGit2SharpException($"{Redact(askingUrl)} is not the repository's host; its token is not sent there");
        }

        try
        {
            Repository.Clone(source, folder, options);
        }
        catch (LibGit2SharpException ex)
        {
            throw new WorkerStartupException($"cannot fetch repository {Redact(url)}: {OneLine.Of(ex.Message)}", ex);
        }

        using var repository = new Repository(folder);
        var target = FindCommit(repository, commit)
            ?? throw new WorkerStartupException($"commit '{commit}' is not in repository {Redact(url)}");
        try
        {
            Commands.Checkout(repository, target, new CheckoutOptions { CheckoutModifiers = CheckoutModifiers.Force });
        }
        catch (LibGit2SharpException ex)
        {
            throw new WorkerStartupException($"cannot check out commit {target.Sha[..12]}: {OneLine.Of(ex.Message)}", ex);
        }
        return target.Sha;
    }

    private static Commit? FindCommit(Repository repository, string commit)
    {
        try
        {
            return repository.Lookup<Commit>(commit);
        }
        catch (LibGit2SharpException)
        {
            // An ambiguous or malformed spec is as unknown as a missing one.
            return null;
        }
    }

    /// <summary>
    /// A plain path becomes a file:// URL: for a plain path libgit2 clones by hard-linking the
    /// source's object files, which the function (same user, locally) could then write through.
    /// </summary>
    private static string FileUrlOrUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.AbsoluteUri : new Uri(Path.GetFullPath(url)).AbsoluteUri;

    private static bool SameOrigin(string url, string expected) =>
        Uri.TryCreate(url, UriKind.Absolute, out var asked) && Uri.TryCreate(expected, UriKind.Absolute, out var ours)
        && Uri.Compare(asked, ours, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    /// <summary>Never print a credential embedded in a URL, in its user part or its query.</summary>
    private static string Redact(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.IsFile)
        {
            return url;
        }
        return new UriBuilder(uri) { UserName = "", Password = "", Query = "" }.Uri.ToString();
    }
}
