namespace Klusterkluck.Client;

/// <summary>Where a <see cref="PlatformClient"/> gets the caller's access token: the console's session, or the CLI's stored sign-in.</summary>
public interface IAccessTokens
{
    /// <summary>The token to send; null when no one is signed in.</summary>
    ValueTask<string?> AccessTokenAsync(CancellationToken cancellationToken);

    /// <summary>The API refused <paramref name="rejected"/> (401): a new token to retry the call with once, or null when the sign-in is over.</summary>
    ValueTask<string?> RenewAsync(string rejected, CancellationToken cancellationToken);

    /// <summary>What a call answers when there is no token, or none the API accepts.</summary>
    ApiProblem SignedOut { get; }
}
