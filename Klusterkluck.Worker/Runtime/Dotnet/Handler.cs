namespace Klusterkluck.Worker.Runtime.Dotnet;

/// <summary>The function's handler, bound: one call per request, no reflection.</summary>
/// <param name="Name">"Function.HandleAsync", as the logs and errors name it.</param>
/// <param name="Instance">The one Function the worker made, or null for a static handler.</param>
internal sealed record Handler(string Name, object? Instance, Handler.Invoker Invoke)
{
    /// <summary>
    /// Calls the handler with the arguments it asks for. The answer is the IResult to execute:
    /// <see cref="HandlerResults.Written"/> when the handler wrote the response itself, null when
    /// it returned null instead of an IResult.
    /// </summary>
    public delegate ValueTask<IResult?> Invoker(HttpContext context, CancellationToken cancellationToken);
}
