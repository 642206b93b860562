using Klusterkluck.Client;
using Klusterkluck.WebConsole.Auth;
using Klusterkluck.WebConsole.Components;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FluentUI.AspNetCore.Components;

namespace Klusterkluck.WebConsole;

public static class ConsoleExtensions
{
    /// <summary>The console's services: Blazor with interactive server rendering, Fluent UI, sign-in, the API client.</summary>
    public static WebApplicationBuilder AddWebConsole(this WebApplicationBuilder builder, ConsoleHosting hosting)
    {
        builder.Services.AddSingleton(services =>
        {
            var options = builder.Configuration.GetSection(ConsoleOptions.Section).Get<ConsoleOptions>() ?? new ConsoleOptions();
            options.Authority = hosting.Authority(services);
            return options;
        });
        // The build's static web assets (Fluent UI, Monaco, the console's own) are found through the
        // manifest beside the Api in any environment, not only in Development; a published Api has them in wwwroot.
        builder.WebHost.UseStaticWebAssets();
        // A build's manifest would switch on the dev-time reloader: every asset answered no-cache, and a
        // catch-all {**path:file} route that makes a wrong method on an API path a 404 instead of a 405.
        // Off, the build serves assets as a published Api does (fingerprinted ones cached for good).
        builder.Configuration["ReloadStaticAssetsAtRuntime"] ??= "false";
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddFluentUIComponents();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddConsoleAuthentication(hosting.ApiScheme);
        builder.Services.AddScoped<ConsoleUser>();
        builder.Services.AddScoped<IAccessTokens>(services => services.GetRequiredService<ConsoleUser>());
        // No resilience handler (the service defaults give every client one): it would send a POST
        // again on a 5xx or a 429 (an invoke, a deploy, a flow's event), and wait out a function's
        // Retry-After instead of showing it. The console calls its own Api on loopback: the user
        // retries, knowingly. RemoveAllResilienceHandlers is still marked for evaluation (EXTEXP0001).
#pragma warning disable EXTEXP0001
        builder.Services.AddHttpClient<PlatformClient>((services, client) =>
        {
            client.BaseAddress = hosting.ApiAddress(services);
            client.Timeout = TimeSpan.FromSeconds(100);
        }).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return builder;
    }

    /// <summary>Before authentication: the console's security headers, and a page instead of a 500 when sign-in cannot start.</summary>
    public static WebApplication UseWebConsole(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<ConsoleOptions>();
        app.UseMiddleware<SecurityHeaders>(options);
        app.UseMiddleware<ProviderUnavailable>(options);
        return app;
    }

    /// <summary>Serves the console at /; every other path stays the Api's.</summary>
    public static WebApplication MapWebConsole(this WebApplication app)
    {
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapConsoleSignOut();
        // Blazor would send its own frame-ancestors policy; SecurityHeaders' one says the same ('none').
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(server => server.ContentSecurityFrameAncestorsPolicy = null);
        return app;
    }
}
