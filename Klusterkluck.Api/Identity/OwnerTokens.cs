namespace Klusterkluck.Api.Identity;

/// <summary>
/// Access tokens that let the platform act as a user without their password: a flow's engine
/// calls the owner's private functions with them, and the workers check them as they check any
/// token of the user's. Short-lived, cached per user until shortly before they expire.
/// </summary>
public interface IOwnerTokens
{
    Task<string> GetAsync(string user, CancellationToken cancellationToken);
}

/// <summary>Why no token could be had for a user (the identity provider refused or did not answer).</summary>
public sealed class OwnerTokenException(string message) : Exception(message);
