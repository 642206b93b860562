namespace Klusterkluck.WebConsole;

/// <summary>
/// What the host (the Api) tells the console: the provider to sign users in with, the scheme its
/// REST API authenticates with, where to keep the keys that protect session cookies, and the
/// address the console calls the REST API on.
/// </summary>
public sealed record ConsoleHosting(string Authority, string ApiScheme, string KeysFolder, Func<IServiceProvider, Uri> ApiAddress);
