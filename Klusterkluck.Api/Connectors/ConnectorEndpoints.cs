using Microsoft.AspNetCore.Http.HttpResults;

namespace Klusterkluck.Api.Connectors;

/// <summary>/api/v1/connectors: the catalog of connectors a flow's connector nodes can use, with their variables.</summary>
public static class ConnectorEndpoints
{
    public static RouteGroupBuilder MapConnectors(this WebApplication app)
    {
        var group = app.MapGroup("/api/v1/connectors").WithTags("Connectors").RequireAuthorization();
        group.MapGet("/", ListAsync);
        group.MapGet("/{name}", GetAsync);
        return group;
    }

    public static WebApplicationBuilder AddConnectorCatalog(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ConnectorHostOptions>().BindConfiguration(ConnectorHostOptions.Section);
        builder.Services.AddSingleton<ConnectorCatalog>();
        return builder;
    }

    private static async Task<Results<Ok<IReadOnlyList<ConnectorInfo>>, ProblemHttpResult>> ListAsync(ConnectorCatalog catalog)
    {
        try
        {
            return TypedResults.Ok(await catalog.ListAsync());
        }
        catch (ConnectorCatalogException e)
        {
            return Unavailable(e);
        }
    }

    private static async Task<Results<Ok<ConnectorInfo>, ProblemHttpResult>> GetAsync(string name, ConnectorCatalog catalog)
    {
        try
        {
            return await catalog.FindAsync(name) is { } connector
                ? TypedResults.Ok(connector)
                : TypedResults.Problem($"There is no connector named '{name}'.", statusCode: StatusCodes.Status404NotFound, title: "Unknown connector");
        }
        catch (ConnectorCatalogException e)
        {
            return Unavailable(e);
        }
    }

    private static ProblemHttpResult Unavailable(ConnectorCatalogException e) =>
        TypedResults.Problem(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Connector catalog unavailable");
}
