// Klusterkluck.Api, the control plane: with nothing configured it listens on http://localhost:8080
// with SQLite and its keys in ./.klusterkluck/ and the embedded OpenID Connect server.
// The content root is the Api's own folder (appsettings.json), not wherever it was started;
// the data folder is relative to the current directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

builder.AddServiceDefaults();
builder.AddApiDefaults();
builder.AddStore();
builder.AddIdentityProvider();

var app = builder.Build();

app.UseApiDefaults();
app.UseIdentityProvider();
app.MapDefaultEndpoints();
app.MapOpenApi();
app.MapAuth();

return await app.RunApiAsync();
