// Klusterkluck.Api, the control plane: with nothing configured it listens on http://localhost:8080
// with SQLite, keys and repositories in ./.klusterkluck/, the embedded OpenID Connect server and
// the local runtime (worker processes on loopback ports behind the gateway at /fn/), and the web
// console at /.
// The content root is the Api's own folder (appsettings.json), not wherever it was started;
// the data folder is relative to the current directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

builder.AddServiceDefaults();
builder.AddApiDefaults();
builder.AddStore();
builder.AddIdentityProvider();
builder.AddGit();
builder.AddRuntime();
builder.AddLimits();
builder.AddBuilds();
builder.AddFunctions();
builder.AddConnectorCatalog();
builder.AddFlows();
builder.AddThrottling();
builder.AddUsage();
builder.AddGateway();
builder.AddConsole();

var app = builder.Build();

app.UseApiDefaults();
app.UseGateway();
app.UseConsole();
app.UseIdentityProvider();
app.MapDefaultEndpoints();
app.MapOpenApi();
app.MapAuth();
app.MapInvites();
app.MapFunctions();
app.MapConnectors();
app.MapFlows();
app.MapUsage();
app.MapGit();
app.MapConsole();

return await app.RunApiAsync();
