using System.Text.Json;
using Klusterkluck.Client;

namespace Klusterkluck.Cli.SignIn;

/// <summary>
/// The access token for one server: KK_TOKEN when set (used as is: a CI job's token is its own
/// business), else the stored sign-in, renewed with its refresh token shortly before it expires or
/// when the server refuses it. A renewed pair is written back at once, so the next kk (or git's
/// next call of the credential helper) starts from it.
/// </summary>
public sealed class StoredTokens(string server, CredentialStore store, AuthClient auth, string? environmentToken) : IAccessTokens
{
    /// <summary>Renewed this long before the expiry the server gave, so a token never runs out on its way.</summary>
    private static readonly TimeSpan s_margin = TimeSpan.FromSeconds(30);

    public ApiProblem SignedOut { get; } = environmentToken is null
        ? new(401, $"Not signed in to {server}", $"run kk login --server {server} (or set KK_TOKEN).",
            new Dictionary<string, string[]>(), new Dictionary<string, JsonElement>())
        : new(401, $"{server} refused the token in KK_TOKEN", "it has expired, or it is not one of this server's.",
            new Dictionary<string, string[]>(), new Dictionary<string, JsonElement>());

    /// <summary>Why the last renewal failed, when it did: the server's own words.</summary>
    public ApiProblem? RenewalProblem { get; private set; }

    public string? Username => environmentToken is null ? store.Read().Servers.GetValueOrDefault(server)?.Username : null;

    public async ValueTask<string?> AccessTokenAsync(CancellationToken cancellationToken)
    {
        if (environmentToken is not null)
        {
            return environmentToken;
        }
        if (store.Read().Servers.GetValueOrDefault(server) is not { } signIn)
        {
            return null;
        }
        return signIn.ExpiresAt - s_margin > DateTimeOffset.UtcNow ? signIn.AccessToken : await RenewAsync(signIn.AccessToken, cancellationToken);
    }

    public async ValueTask<string?> RenewAsync(string rejected, CancellationToken cancellationToken)
    {
        if (environmentToken is not null || store.Read().Servers.GetValueOrDefault(server) is not { RefreshToken: { } refresh } signIn)
        {
            return null;
        }
        if (signIn.AccessToken != rejected && signIn.ExpiresAt - s_margin > DateTimeOffset.UtcNow)
        {
            // Another kk renewed it meanwhile.
            return signIn.AccessToken;
        }
        var renewed = await auth.RefreshAsync(refresh, cancellationToken);
        if (renewed.Value is not { } tokens)
        {
            RenewalProblem = renewed.Problem;
            return null;
        }
        var fresh = FromTokens(signIn.Username, tokens);
        store.Update(file => file with { Servers = new(file.Servers) { [server] = fresh } });
        return fresh.AccessToken;
    }

    public static StoredSignIn FromTokens(string username, TokenInfo tokens) =>
        new(username, tokens.AccessToken, tokens.RefreshToken, DateTimeOffset.UtcNow.AddSeconds(tokens.ExpiresIn));
}
