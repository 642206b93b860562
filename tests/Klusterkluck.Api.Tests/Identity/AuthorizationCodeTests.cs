using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Klusterkluck.Api.Tests.Identity;

/// <summary>The embedded provider's authorization code flow, as a relying party such as the web console meets it.</summary>
public sealed class AuthorizationCodeTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private ApiProcess Api => fixture.Api;

    [Fact]
    public async Task TheConsoleSignsInAndItsAccessTokenWorksWithTheApi()
    {
        var (username, password) = await Api.RegisterAsync("console");
        using var browser = OidcBrowser.For(Api);
        var (verifier, challenge) = OidcBrowser.Pkce();
        var redirect = $"{Api.BaseUrl}/signin-oidc";

        var callback = await browser.SignInAsync(OidcBrowser.AuthorizeUrl(challenge, "klusterkluck-console", redirect), username, password);
        using var tokens = await RedeemAsync(callback, verifier, "klusterkluck-console", redirect);

        Assert.Equal(HttpStatusCode.OK, tokens.StatusCode);
        var body = await tokens.JsonAsync();
        Assert.False(string.IsNullOrEmpty(body.GetProperty("id_token").GetString()));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("refresh_token").GetString()));
        using var whoami = await Api.WhoAmIAsync(body.GetProperty("access_token").GetString()!);
        Assert.Equal(username, (await whoami.JsonAsync()).GetProperty("username").GetString());
    }

    [Fact]
    public async Task TheConsoleMayComeBackToEitherLoopbackNameButNowhereElse()
    {
        using var browser = OidcBrowser.For(Api);
        var (_, challenge) = OidcBrowser.Pkce();

        using var localhost = await browser.GetAsync(OidcBrowser.AuthorizeUrl(challenge, "klusterkluck-console", $"http://localhost:{Api.Port}/signin-oidc"));
        using var elsewhere = await browser.GetAsync(OidcBrowser.AuthorizeUrl(challenge, "klusterkluck-console", "http://evil.example/signin-oidc"));

        Assert.Equal(HttpStatusCode.Redirect, localhost.StatusCode);
        Assert.StartsWith("/account/login?returnUrl=", localhost.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.BadRequest, elsewhere.StatusCode);
    }

    [Fact]
    public async Task PromptNoneWithoutASessionAnswersLoginRequired()
    {
        using var browser = OidcBrowser.For(Api);
        var (_, challenge) = OidcBrowser.Pkce();

        using var response = await browser.GetAsync(OidcBrowser.AuthorizeUrl(challenge, prompt: "none"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(OidcBrowser.CliRedirect, response.Headers.Location!.OriginalString);
        Assert.Equal("login_required", OidcBrowser.Parameter(response.Headers.Location, "error"));
    }

    [Fact]
    public async Task LogoutEndsTheSession()
    {
        var (username, password) = await Api.RegisterAsync("logout");
        using var browser = OidcBrowser.For(Api);
        var (_, challenge) = OidcBrowser.Pkce();
        await browser.SignInAsync(OidcBrowser.AuthorizeUrl(challenge), username, password);
        using var signedIn = await browser.GetAsync(OidcBrowser.AuthorizeUrl(challenge, prompt: "none"));
        Assert.NotNull(OidcBrowser.Parameter(signedIn.Headers.Location!, "code"));
        var afterLogout = $"{Api.BaseUrl}/signout-callback-oidc";

        using var logout = await browser.GetAsync("/connect/logout" + QueryString.Create(new Dictionary<string, string?>
        {
            ["client_id"] = "klusterkluck-console",
            ["post_logout_redirect_uri"] = afterLogout,
            ["state"] = "bye",
        }));

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.StartsWith(afterLogout, logout.Headers.Location!.AbsoluteUri);
        Assert.Equal("bye", OidcBrowser.Parameter(logout.Headers.Location, "state"));
        using var signedOut = await browser.GetAsync(OidcBrowser.AuthorizeUrl(challenge, prompt: "none"));
        Assert.Equal("login_required", OidcBrowser.Parameter(signedOut.Headers.Location!, "error"));
    }

    [Fact]
    public async Task PromptLoginAsksAgainThenGoesOn()
    {
        var (username, password) = await Api.RegisterAsync("prompt");
        using var browser = OidcBrowser.For(Api);
        var (_, challenge) = OidcBrowser.Pkce();
        await browser.SignInAsync(OidcBrowser.AuthorizeUrl(challenge), username, password);

        var callback = await browser.SignInAsync(OidcBrowser.AuthorizeUrl(challenge, prompt: "login"), username, password);

        Assert.NotNull(OidcBrowser.Parameter(callback, "code"));
    }

    [Fact]
    public async Task ACodeCannotBeRedeemedTwice()
    {
        var (username, password) = await Api.RegisterAsync("twice");
        using var browser = OidcBrowser.For(Api);
        var (verifier, challenge) = OidcBrowser.Pkce();
        var callback = await browser.SignInAsync(OidcBrowser.AuthorizeUrl(challenge), username, password);

        using var first = await RedeemAsync(callback, verifier);
        using var second = await RedeemAsync(callback, verifier);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Equal("invalid_grant", (await second.JsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task AWrongPkceVerifierIsRefused()
    {
        var (username, password) = await Api.RegisterAsync("pkce");
        using var browser = OidcBrowser.For(Api);
        var (_, challenge) = OidcBrowser.Pkce();
        var callback = await browser.SignInAsync(OidcBrowser.AuthorizeUrl(challenge), username, password);

        using var response = await RedeemAsync(callback, OidcBrowser.Pkce().Verifier);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_grant", (await response.JsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task AnAuthorizationRequestWithoutPkceIsRefused()
    {
        using var browser = OidcBrowser.For(Api);

        using var response = await browser.GetAsync(OidcBrowser.AuthorizeUrl("x").Replace("&code_challenge=x&code_challenge_method=S256", ""));

        // Answered by the server itself, not sent on to the client: no code, no sign-in page.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("code_challenge", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UserInfoSaysWhoTheTokenIsFor()
    {
        var (username, password) = await Api.RegisterAsync("userinfo");
        using var browser = OidcBrowser.For(Api);
        var (verifier, challenge) = OidcBrowser.Pkce();
        var callback = await browser.SignInAsync(OidcBrowser.AuthorizeUrl(challenge), username, password);
        using var tokens = await RedeemAsync(callback, verifier);
        var accessToken = (await tokens.JsonAsync()).GetProperty("access_token").GetString();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/connect/userinfo");
        request.Headers.Authorization = new("Bearer", accessToken);
        using var response = await Api.Client.SendAsync(request);

        var claims = await response.JsonAsync();
        Assert.Equal(username, claims.GetProperty("preferred_username").GetString());
        Assert.Equal($"{username}@example.com", claims.GetProperty("email").GetString());
    }

    private Task<HttpResponseMessage> RedeemAsync(Uri callback, string verifier, string clientId = "klusterkluck", string redirectUri = OidcBrowser.CliRedirect) =>
        Api.Client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = clientId,
            ["code"] = OidcBrowser.Parameter(callback, "code") ?? throw new InvalidOperationException($"no code in {callback}"),
            ["redirect_uri"] = redirectUri,
            ["code_verifier"] = verifier,
        }));
}
