namespace Klusterkluck.Api.Git;

public static class GitExtensions
{
    public static WebApplicationBuilder AddGit(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<Repositories>();
        builder.Services.AddSingleton<GitHttpBackend>();
        builder.Services.AddSingleton<GitCredentials>();
        builder.Services.AddSingleton<GitTokens>();
        builder.Services.AddMemoryCache();
        return builder;
    }
}
