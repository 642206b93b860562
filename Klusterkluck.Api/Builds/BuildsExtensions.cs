namespace Klusterkluck.Api.Builds;

public static class BuildsExtensions
{
    /// <summary>Builds between a commit and its workers; the runtime registers where they run (<see cref="IBuilder"/>).</summary>
    public static WebApplicationBuilder AddBuilds(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<BuildOptions>().BindConfiguration(BuildOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<Artifacts>();
        builder.Services.AddSingleton<BuildTokens>();
        builder.Services.AddSingleton<BuildService>();
        return builder;
    }
}
