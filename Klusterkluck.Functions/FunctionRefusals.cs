namespace Klusterkluck.Functions;

/// <summary>
/// What a caller who may not use a private function is told, word for word the same by the worker
/// (the function exists) and the gateway (it does not, or it is not serving): a stranger must not
/// learn from the answer which users and functions exist.
/// </summary>
public static class FunctionRefusals
{
    /// <summary>401, with <c>WWW-Authenticate: Bearer</c>: no token, or one that does not validate.</summary>
    public const string TokenRequired = "A valid bearer token is required";

    /// <summary>The 401's detail when a token was sent and did not validate.</summary>
    public const string TokenInvalid = "The token is invalid or expired.";

    /// <summary>404, without detail: a valid token of someone other than the owner, as if there were no such function.</summary>
    public const string Unknown = "Unknown function";
}
