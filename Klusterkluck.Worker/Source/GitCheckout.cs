using LibGit2Sharp;

namespace Klusterkluck.Worker.Source;

/// <summary>Fetches the function's repository and checks out exactly one commit.</summary>
public static class GitCheckout
{
    /// <summary>Clones <paramref name="url"/> into <paramref name="folder"/> and checks out <paramref name="commit"/>.</summary>
    /// <returns>The full sha of the checked-out commit.</returns>
    public static string Checkout(string url, string commit, string folder, string? token, string? user)
    {
        var options = new CloneOptions { Checkout = false, RecurseSubmodules = false };
        if (!string.IsNullOrEmpty(token))
        {
            options.FetchOptions.CredentialsProvider = (_, urlUser, _) => new UsernamePasswordCredentials
            {
                Username = urlUser ?? user ?? "klusterkluck",
                Password = token,
            };
        }

        try
        {
            Repository.Clone(LocalPathOrUrl(url), folder, options);
        }
        catch (LibGit2SharpException ex)
        {
            throw new WorkerStartupException($"cannot fetch repository {Redact(url)}: {OneLine(ex.Message)}", ex);
        }

        using var repository = new Repository(folder);
        var target = FindCommit(repository, commit)
            ?? throw new WorkerStartupException($"commit '{commit}' is not in repository {Redact(url)}");
        Commands.Checkout(repository, target, new CheckoutOptions { CheckoutModifiers = CheckoutModifiers.Force });
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

    /// <summary>libgit2 takes local paths as they are; file:// URLs are turned into paths so both work.</summary>
    private static string LocalPathOrUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.IsFile ? uri.LocalPath : url;

    /// <summary>Never print a credential embedded in a URL.</summary>
    private static string Redact(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.UserInfo)
            ? url.Replace(uri.UserInfo + "@", "***@", StringComparison.Ordinal)
            : url;

    private static string OneLine(string text) => string.Join(' ', text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
}
