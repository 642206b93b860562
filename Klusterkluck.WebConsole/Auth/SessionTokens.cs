namespace Klusterkluck.WebConsole.Auth;

/// <summary>The provider's tokens for one console session.</summary>
public sealed record SessionTokens(string AccessToken, string? RefreshToken, string? IdToken, DateTimeOffset ExpiresAt)
{
    /// <summary>Refreshed a minute early, so that a call never leaves with a token about to expire.</summary>
    public bool Expiring(DateTimeOffset now) => ExpiresAt - now < TimeSpan.FromMinutes(1);
}
