namespace Klusterkluck.WebConsole;

/// <summary>
/// What the host (the Api) tells the console: the provider to sign users in with (the issuer the
/// host already trusts, read from its services), the scheme its REST API authenticates with, and
/// the address the console calls the REST API on. The host also keeps the data-protection keys
/// that protect the session cookie across restarts.
/// </summary>
public sealed record ConsoleHosting(Func<IServiceProvider, string> Authority, string ApiScheme, Func<IServiceProvider, Uri> ApiAddress);
