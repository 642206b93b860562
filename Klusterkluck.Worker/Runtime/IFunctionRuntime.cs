namespace Klusterkluck.Worker.Runtime;

/// <summary>Runs the code of one kind of function (nodejs, exec, static) for the worker.</summary>
public interface IFunctionRuntime : IAsyncDisposable
{
    /// <summary>True while requests can be served; /healthz answers from it.</summary>
    bool IsReady { get; }

    /// <summary>Starts whatever the kind needs (a warm process, nothing at all) and returns once it is ready.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Serves one request; the response is written to the context.</summary>
    Task HandleAsync(HttpContext context);
}
