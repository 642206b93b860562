namespace Klusterkluck.Api.Identity.Embedded.Account;

/// <summary>Where the embedded provider's pages are.</summary>
internal static class AccountPaths
{
    public const string Login = "/account/login";

    public const string Register = "/account/register";

    public const string Stylesheet = "/account/account.css";
}
