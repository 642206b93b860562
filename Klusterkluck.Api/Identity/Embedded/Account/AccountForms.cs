using Microsoft.AspNetCore.Antiforgery;

namespace Klusterkluck.Api.Identity.Embedded.Account;

/// <summary>A posted account form, checked against ASP.NET Core antiforgery before anything in it is believed.</summary>
internal sealed record AccountForms(IFormCollection Fields, bool Forged)
{
    public const string ForgedMessage = "This form has expired or did not come from this page. Please try again.";

    public static (string Name, string Value) Token(HttpContext http, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        return (tokens.FormFieldName, tokens.RequestToken!);
    }

    public static async Task<AccountForms> ReadAsync(HttpContext http, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        if (!http.Request.HasFormContentType)
        {
            return new AccountForms(FormCollection.Empty, true);
        }
        var fields = await http.Request.ReadFormAsync(cancellationToken);
        return new AccountForms(fields, !await antiforgery.IsRequestValidAsync(http));
    }

    public string Value(string name) => Fields[name].ToString();
}
