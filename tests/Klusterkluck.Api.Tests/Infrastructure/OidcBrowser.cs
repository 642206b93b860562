using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;

namespace Klusterkluck.Api.Tests.Infrastructure;

/// <summary>
/// A browser as far as a sign-in needs one: cookies kept, redirects not followed (each one is
/// looked at), forms posted with their hidden antiforgery field.
/// </summary>
public sealed partial class OidcBrowser : IDisposable
{
    public const string CliRedirect = "http://127.0.0.1:8400/callback";

    private readonly HttpClientHandler _handler = new() { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };

    public OidcBrowser(string baseUrl) =>
        Client = new HttpClient(_handler) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };

    public HttpClient Client { get; }

    public CookieContainer Cookies => _handler.CookieContainer;

    public static OidcBrowser For(ApiProcess api) => new(api.BaseUrl);

    public static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    public static string AuthorizeUrl(string challenge, string clientId = "klusterkluck", string redirectUri = CliRedirect, string? prompt = null) =>
        "/connect/authorize" + QueryString.Create(new Dictionary<string, string?>
        {
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri,
            ["response_type"] = "code",
            ["scope"] = "openid profile email offline_access",
            ["state"] = "state-" + Guid.NewGuid().ToString("N"),
            ["nonce"] = "nonce-" + Guid.NewGuid().ToString("N"),
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
            ["prompt"] = prompt,
        }.Where(p => p.Value is not null));

    public Task<HttpResponseMessage> GetAsync(string url) => Client.GetAsync(url);

    public Task<HttpResponseMessage> PostFormAsync(string url, IEnumerable<KeyValuePair<string, string>> fields) =>
        Client.PostAsync(url, new FormUrlEncodedContent(fields));

    /// <summary>Gets a page with a form and posts it back with <paramref name="fields"/> and its hidden fields.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string pageUrl, IReadOnlyDictionary<string, string> fields)
    {
        using var page = await GetAsync(pageUrl);
        var html = await page.Content.ReadAsStringAsync();
        var form = FormTag().Match(html);
        Assert.True(form.Success, $"no form at {pageUrl}: {html}");
        var all = HiddenFields(html).Concat(fields.Where(f => !HiddenFields(html).ContainsKey(f.Key))).ToDictionary();
        return await PostFormAsync(WebUtility.HtmlDecode(form.Groups["action"].Value), all);
    }

    /// <summary>Follows an authorization request through the sign-in page to the redirect carrying the code; returns that URI.</summary>
    public async Task<Uri> SignInAsync(string authorizeUrl, string username, string password)
    {
        using var authorize = await GetAsync(authorizeUrl);
        Assert.Equal(HttpStatusCode.Redirect, authorize.StatusCode);
        var location = authorize.Headers.Location!.OriginalString;
        if (location.StartsWith("/account/login", StringComparison.Ordinal))
        {
            using var signedIn = await SubmitAsync(location, new Dictionary<string, string> { ["username"] = username, ["password"] = password });
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
            using var again = await GetAsync(signedIn.Headers.Location!.OriginalString);
            Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
            location = again.Headers.Location!.OriginalString;
        }
        return new Uri(location);
    }

    public static string? Parameter(Uri uri, string name) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(uri.Query).TryGetValue(name, out var value) ? value.ToString() : null;

    public static Dictionary<string, string> HiddenFields(string html) =>
        HiddenField().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));

    public void Dispose()
    {
        Client.Dispose();
        _handler.Dispose();
    }

    [GeneratedRegex("<form [^>]*action=\"(?<action>[^\"]*)\"")]
    private static partial Regex FormTag();

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]*)" value="(?<value>[^"]*)">""")]
    private static partial Regex HiddenField();
}
