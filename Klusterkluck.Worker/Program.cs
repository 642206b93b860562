// Klusterkluck.Worker serves one function at one commit; everything it needs comes from
// environment variables (see WorkerOptions and DESIGN.md "Worker").
// The content root is the worker's own folder (for appsettings.json), not wherever it was started.
Klusterkluck.Worker.Hosting.ProcessPrivacy.HideFromOwnUser();
// `build`: the same program builds a function's commit once, for all its workers (Build/BuildMode.cs).
if (args is ["build"])
{
    return await Klusterkluck.Worker.Build.BuildMode.RunAsync();
}
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

builder.AddServiceDefaults();
builder.AddWorker();
builder.AddFunctionAuth();

var app = builder.Build();

app.UseWorkerPathBase();
app.UseFunctionAuth();
app.MapDefaultEndpoints();
app.MapPoolEndpoint();
app.MapWorkerEndpoints();

return await app.RunWorkerAsync();
