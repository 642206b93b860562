using System.Net;

namespace Klusterkluck.Api.Tests.Identity;

/// <summary>The embedded provider's sign-in and registration pages, driven as a browser drives them.</summary>
public sealed class SignInPageTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private ApiProcess Api => fixture.Api;

    [Fact]
    public async Task AWrongPasswordShowsAnErrorAndKeepsTheUsername()
    {
        var (username, _) = await Api.RegisterAsync("page");
        using var browser = OidcBrowser.For(Api);

        using var response = await browser.SubmitAsync("/account/login", Fields(("username", username), ("password", "not-the-password")));

        var html = await response.Content.ReadAsStringAsync();
        Assert.NotEqual(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("Invalid username or password", html);
        Assert.Contains($"""value="{username}" """.TrimEnd(), html);
        Assert.DoesNotContain("not-the-password", html);
        Assert.Null(Cookie(browser, "kk.idp"));
    }

    [Fact]
    public async Task WhatTheUserTypedIsHtmlEncoded()
    {
        using var browser = OidcBrowser.For(Api);

        using var response = await browser.SubmitAsync("/account/login", Fields(("username", "<script>alert(1)</script>\"x"), ("password", "whatever")));

        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("&lt;script&gt;", html);
        // And no script would run anyway: nothing but the Api's stylesheet is allowed.
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", policy);
        Assert.DoesNotContain("script-src", policy);
    }

    [Fact]
    public async Task RegisteringThroughThePageGivesAUserOfTheRestApi()
    {
        var username = $"paged-{Guid.NewGuid():N}"[..18];
        using var browser = OidcBrowser.For(Api);

        using var response = await browser.SubmitAsync("/account/register?returnUrl=%2Fconnect%2Fuserinfo",
            Fields(("username", username), ("email", $"{username}@example.com"), ("password", "tr0ub4dor-and-3")));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/connect/userinfo", response.Headers.Location!.OriginalString);
        Assert.NotNull(Cookie(browser, "kk.idp"));
        var tokens = await Api.LoginAsync(username, "tr0ub4dor-and-3");
        using var whoami = await Api.WhoAmIAsync(tokens.GetProperty("accessToken").GetString()!);
        var me = await whoami.JsonAsync();
        Assert.Equal(username, me.GetProperty("username").GetString());
        Assert.Equal(username, me.GetProperty("tenant").GetString());
    }

    [Fact]
    public async Task RegistrationProblemsAreShownBesideTheirFields()
    {
        var (taken, _) = await Api.RegisterAsync("taken");
        using var browser = OidcBrowser.For(Api);

        using var takenName = await browser.SubmitAsync("/account/register",
            Fields(("username", taken), ("email", $"other-{taken}@example.com"), ("password", "tr0ub4dor-and-3")));
        using var weakPassword = await browser.SubmitAsync("/account/register",
            Fields(("username", taken + "-2"), ("email", $"weak-{taken}@example.com"), ("password", "short")));

        var takenHtml = await takenName.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Conflict, takenName.StatusCode);
        Assert.Contains("""<p class="field-error" id="username-error">The username is taken</p>""", takenHtml);
        Assert.Contains($"""value="other-{taken}@example.com" """.TrimEnd(), takenHtml);
        var weakHtml = await weakPassword.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, weakPassword.StatusCode);
        Assert.Contains("""id="password-error">""", weakHtml);
        Assert.DoesNotContain("short", weakHtml.Replace("shortest", ""));
    }

    [Fact]
    public async Task AReturnUrlToAnotherHostIsIgnored()
    {
        var (username, password) = await Api.RegisterAsync("redirect");

        foreach (var returnUrl in new[] { "http://evil.example/", "//evil.example/", "/\\evil.example/" })
        {
            using var browser = OidcBrowser.For(Api);
            using var response = await browser.SubmitAsync("/account/login?returnUrl=" + Uri.EscapeDataString(returnUrl),
                Fields(("username", username), ("password", password)));

            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/account/login", response.Headers.Location!.OriginalString);
        }
    }

    [Fact]
    public async Task APostWithoutTheAntiforgeryTokenIsRefused()
    {
        var (username, password) = await Api.RegisterAsync("forged");
        using var browser = OidcBrowser.For(Api);
        using var page = await browser.GetAsync("/account/login");

        using var response = await browser.PostFormAsync("/account/login", Fields(("username", username), ("password", password)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("This form has expired", await response.Content.ReadAsStringAsync());
        Assert.Null(Cookie(browser, "kk.idp"));
    }

    [Fact]
    public async Task TheProviderCookieIsHttpOnlyAndSameSite()
    {
        var (username, password) = await Api.RegisterAsync("cookie");
        using var browser = OidcBrowser.For(Api);

        using var response = await browser.SubmitAsync("/account/login", Fields(("username", username), ("password", password)));

        var setCookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("kk.idp=", StringComparison.Ordinal));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", setCookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ThePagesHaveTheirLabelsAndButtons()
    {
        using var browser = OidcBrowser.For(Api);

        var login = await (await browser.GetAsync("/account/login")).Content.ReadAsStringAsync();
        var register = await (await browser.GetAsync("/account/register")).Content.ReadAsStringAsync();

        Assert.Contains("""<label for="username">Username</label>""", login);
        Assert.Contains("""<label for="password">Password</label>""", login);
        Assert.Contains("""<button type="submit">Sign in</button>""", login);
        Assert.Contains(">Create an account</a>", login);
        Assert.Contains("""<label for="email">Email</label>""", register);
        Assert.Contains("""<button type="submit">Create account</button>""", register);
        Assert.DoesNotContain("Invite code", register);
    }

    private static Dictionary<string, string> Fields(params (string Name, string Value)[] fields) => fields.ToDictionary(f => f.Name, f => f.Value);

    private static Cookie? Cookie(OidcBrowser browser, string name) =>
        browser.Cookies.GetCookies(browser.Client.BaseAddress!).SingleOrDefault(c => c.Name == name);
}
