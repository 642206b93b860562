namespace Klusterkluck.Api.Identity;

/// <summary>
/// Whose tokens a private function accepts: the issuer (the worker reads its discovery document
/// and keys) and the audience, whichever provider issues them. Given to workers as
/// <c>KK_AUTH_AUTHORITY</c> and <c>KK_AUTH_AUDIENCE</c>.
/// </summary>
public sealed record TokenIssuer(string Authority, string? Audience);
