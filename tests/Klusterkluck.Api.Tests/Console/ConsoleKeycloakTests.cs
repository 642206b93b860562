using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Klusterkluck.Api.Tests.Console;

/// <summary>With Keycloak as the provider, users sign in on Keycloak's page and the console acts as them.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleKeycloakTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task UsersSignInOnKeycloaksPageAndOutAgain()
    {
        // The operator registers the console's address with the realm's console client, as the README says.
        var port = ServiceProcess.FreePort();
        var origin = $"http://127.0.0.1:{port}";
        await using var keycloak = await KeycloakDouble.StartAsync(realm => realm with
        {
            Clients = realm.Clients.Select(c => c.ClientId != "klusterkluck-console" ? c : c with
            {
                RedirectUris = [.. c.RedirectUris, $"{origin}/signin-oidc"],
                PostLogoutRedirectUris = [.. c.PostLogoutRedirectUris, $"{origin}/signout-callback-oidc"],
            }).ToList(),
        });
        using var data = new TempFolder();
        await using var api = await ApiProcess.StartAsync(data.Path, keycloak.ApiEnvironment(), port);
        keycloak.AddUser("kc-user", "kc-password-1");

        await using var browser = await fixture.OpenAsync(api);
        await browser.Page.GotoAsync("/");
        await Expect(browser.Button("Sign In")).ToBeVisibleAsync();
        await browser.Field("Username or email").FillAsync("kc-user");
        await browser.Field("Password").FillAsync("kc-password-1");
        await browser.Button("Sign In").ClickAsync();

        await Expect(browser.Heading("Functions")).ToBeVisibleAsync();
        await Expect(browser.Page.GetByText("kc-user", new() { Exact = true })).ToBeVisibleAsync();
        await browser.Link("New function").ClickAsync();
        await browser.Field("Name").FillAsync("from-keycloak");
        await browser.Button("Create").ClickAsync();
        await Expect(browser.Heading("from-keycloak")).ToBeVisibleAsync();

        await browser.Button("Sign out").ClickAsync();
        await Expect(browser.Page.GetByText("You are signed out.")).ToBeVisibleAsync();
        await browser.Link("Sign in").ClickAsync();
        await Expect(browser.Button("Sign In")).ToBeVisibleAsync();
    }
}
