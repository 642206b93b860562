using Microsoft.AspNetCore.DataProtection;

namespace Klusterkluck.Api.Hosting;

/// <summary>What every Api endpoint shares: one error shape, one validation mechanism, the OpenAPI document.</summary>
public static class ApiDefaultsExtensions
{
    /// <summary>Where the Api listens unless urls, ASPNETCORE_URLS or ASPNETCORE_HTTP_PORTS say otherwise.</summary>
    public const string DefaultUrl = "http://localhost:8080";

    public static WebApplicationBuilder AddApiDefaults(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"])
            && string.IsNullOrEmpty(builder.Configuration["https_ports"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
            builder.Configuration["urls"] = DefaultUrl;
        }
        var data = DataFolder.From(builder.Configuration);
        builder.Services.AddSingleton(data);
        // Session cookies (the provider's, the console's) and antiforgery tokens are protected with
        // these keys: kept with the others, so a restart signs nobody out and breaks no open form.
        builder.Services.AddDataProtection().SetApplicationName("klusterkluck")
            .PersistKeysToFileSystem(new DirectoryInfo(data.Combine("keys", "data-protection")));
        builder.Services.AddProblemDetails();
        // Binding failures are thrown rather than answered with an empty 400, so that BindingProblems
        // can name the field, as every other validation problem does.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<BindingProblems>();
        builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.Converters.Add(new UtcDateTimeOffsetConverter()));
        builder.Services.AddValidation();
        builder.Services.AddOpenApi();
        builder.Services.AddTrustedProxies();
        return builder;
    }

    public static WebApplication UseApiDefaults(this WebApplication app)
    {
        app.UseTrustedProxies();
        // Unhandled exceptions become a bare 500 problem (never a stack trace); empty error
        // responses (404, 405, 415, a body that is not JSON) get a problem body too.
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    /// <summary>
    /// Opens the store and applies its migrations, then serves until stopped. A store that cannot
    /// be opened or a configuration that does not validate ends the process with one line and exit code 1.
    /// </summary>
    public static async Task<int> RunApiAsync(this WebApplication app)
    {
        try
        {
            // Settings first, so that a bad one is reported before anything else happens.
            app.Services.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate();
            await app.MigrateStoreAsync();
            await app.RunAsync();
            return 0;
        }
        catch (Exception e) when (e is Microsoft.Extensions.Options.OptionsValidationException or InvalidOperationException
            or System.Data.Common.DbException or IOException)
        {
            await Console.Error.WriteLineAsync($"klusterkluck-api: {e.Message.ReplaceLineEndings(" ")}");
            return 1;
        }
    }
}
