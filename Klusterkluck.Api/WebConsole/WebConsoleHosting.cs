using Klusterkluck.WebConsole;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting.Server;

namespace Klusterkluck.Api.WebConsole;

/// <summary>
/// The web console (Klusterkluck.WebConsole) served at / by the Api: it signs users in with the
/// configured provider and calls this Api's REST endpoints on loopback with their own tokens.
/// </summary>
public static class WebConsoleHosting
{
    public static WebApplicationBuilder AddConsole(this WebApplicationBuilder builder) =>
        builder.AddWebConsole(new ConsoleHosting(
            // The issuer whose tokens the Api and the workers accept, whichever provider issues them.
            services => services.GetRequiredService<TokenIssuer>().Authority,
            JwtBearerDefaults.AuthenticationScheme,
            services => ServerAddresses.Loopback(services.GetRequiredService<IServer>())));

    /// <summary>Before authentication (its security headers, and what happens when sign-in cannot start).</summary>
    public static WebApplication UseConsole(this WebApplication app) => app.UseWebConsole();

    public static WebApplication MapConsole(this WebApplication app) => app.MapWebConsole();
}
