namespace Klusterkluck.WebConsole.Auth;

/// <summary>Why sign-in did not complete, as the signed-out page says it: fixed sentences, never text from the URL.</summary>
public static class SignInFailure
{
    public const string Unreachable = "unreachable";
    public const string Refused = "refused";

    public static string Sentence(string? code, string authority) => code switch
    {
        Unreachable => $"The identity provider at {authority} cannot be reached right now. Try again in a moment.",
        _ => "The identity provider did not sign you in (you cancelled, or the request expired). Try again.",
    };
}
