using System.Text;
using System.Text.Encodings.Web;

namespace Klusterkluck.Api.Identity.Embedded.Account;

/// <summary>
/// The pages' HTML, written by hand: two small forms do not need a view engine. Every value that
/// did not come from this file goes through <see cref="HtmlEncoder"/>.
/// </summary>
internal sealed class AccountHtml
{
    private static readonly HtmlEncoder s_encoder = HtmlEncoder.Default;

    private readonly StringBuilder _html = new();

    public static string Encode(string? value) => s_encoder.Encode(value ?? "");

    public static AccountHtml Page(string title, string? error)
    {
        var page = new AccountHtml();
        page._html.Append($"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="light dark">
            <title>{Encode(title)} · Klusterkluck</title>
            <link rel="stylesheet" href="{AccountPaths.Stylesheet}">
            </head>
            <body>
            <main class="card">
            <p class="brand">Klusterkluck</p>
            <h1>{Encode(title)}</h1>

            """);
        if (error is not null)
        {
            page._html.Append($"""<p class="alert" role="alert">{Encode(error)}</p>""").Append('\n');
        }
        return page;
    }

    public AccountHtml Text(string text)
    {
        _html.Append($"<p>{Encode(text)}</p>\n");
        return this;
    }

    /// <summary>Opens a POST form with its antiforgery token and the return URL.</summary>
    public AccountHtml Form(string action, (string Name, string Value) antiforgery, string returnUrl)
    {
        _html.Append($"""
            <form method="post" action="{Encode(action)}" novalidate>
            <input type="hidden" name="{Encode(antiforgery.Name)}" value="{Encode(antiforgery.Value)}">
            <input type="hidden" name="{ReturnUrls.Parameter}" value="{Encode(returnUrl)}">

            """);
        return this;
    }

    /// <summary>A labelled input with its error beside it, tied to it for screen readers.</summary>
    public AccountHtml Field(string name, string label, string type, string autocomplete, string? value, string? error, bool autofocus = false)
    {
        var described = error is null ? "" : $""" aria-invalid="true" aria-describedby="{name}-error" """.TrimEnd();
        var shown = value is null ? "" : $""" value="{Encode(value)}" """.TrimEnd();
        _html.Append($"""
            <div class="field">
            <label for="{name}">{Encode(label)}</label>
            <input id="{name}" name="{name}" type="{type}" autocomplete="{autocomplete}"{shown}{described}{(autofocus ? " autofocus" : "")}>

            """);
        if (error is not null)
        {
            _html.Append($"""<p class="field-error" id="{name}-error">{Encode(error)}</p>""").Append('\n');
        }
        _html.Append("</div>\n");
        return this;
    }

    public AccountHtml Submit(string label)
    {
        _html.Append($"<button type=\"submit\">{Encode(label)}</button>\n</form>\n");
        return this;
    }

    public AccountHtml Link(string href, string label)
    {
        _html.Append($"""<p class="alt"><a href="{Encode(href)}">{Encode(label)}</a></p>""").Append('\n');
        return this;
    }

    public IResult ToResult(int status = StatusCodes.Status200OK) =>
        Results.Content(_html.Append("</main>\n</body>\n</html>\n").ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
}
