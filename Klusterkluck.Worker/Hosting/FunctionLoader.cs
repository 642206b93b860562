using Klusterkluck.Functions;
using Klusterkluck.Worker.Runtime;
using Klusterkluck.Worker.Runtime.Exec;
using Klusterkluck.Worker.Runtime.NodeJs;
using Klusterkluck.Worker.Runtime.Static;
using Klusterkluck.Worker.Source;

namespace Klusterkluck.Worker.Hosting;

/// <summary>
/// Checks the commit out (or gets its build), reads its config and starts the runtime for its
/// kind. A pool worker gets the code handed over instead (<see cref="SpecializeAsync"/>), once.
/// </summary>
public sealed class FunctionLoader(
    WorkerOptions options,
    ILoggerFactory loggers,
    ILogger<FunctionLoader> logger) : IAsyncDisposable
{
    private string? _ownedWorkDirectory;
    private NodeProcess? _warmNode;
    private int _claimed;
    private readonly TaskCompletionSource _specialized = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The running function, once loaded.</summary>
    public IFunctionRuntime? Runtime { get; private set; }

    public bool IsReady => Runtime?.IsReady == true;

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        Validate();
        var url = Required(options.GitUrl, "KK_GIT_URL");
        var commit = Required(options.GitCommit, "KK_GIT_COMMIT");
        var directory = CreateWorkDirectory();
        var sha = options.ArtifactUrl is { Length: > 0 } artifact
            ? await ArtifactFetch.FetchAsync(artifact, commit, directory, options.GitToken, cancellationToken)
            : GitCheckout.Checkout(url, commit, directory, options.GitToken, options.Owner);
        await StartAsync(directory, sha, cancellationToken);
    }

    /// <summary>A pool worker's start: boots what its kind can ahead of a function (node), then waits.</summary>
    public async Task PrewarmAsync(CancellationToken cancellationToken)
    {
        Validate();
        if (options.PoolKind == FunctionKind.NodeJs.ToName())
        {
            _warmNode = await NodeProcess.PrewarmAsync(options.Node, options.MaxLogLineBytes, loggers.CreateLogger("Function"), cancellationToken);
        }
    }

    /// <summary>True for the first caller only: a pool worker takes one function, ever.</summary>
    public bool TryClaim() => Interlocked.Exchange(ref _claimed, 1) == 0;

    /// <summary>Done once the function handed over serves; failed with the reason it cannot.</summary>
    public Task Specialized => _specialized.Task;

    /// <summary>
    /// Loads the function a pool worker was given (after <see cref="TryClaim"/>, with the options
    /// set from the hand-over): <paramref name="archive"/> holds its tree or, when
    /// <paramref name="isBuild"/>, its build.
    /// </summary>
    public async Task SpecializeAsync(Stream archive, bool isBuild, CancellationToken cancellationToken)
    {
        try
        {
            var commit = Required(options.GitCommit, "the commit");
            var directory = CreateWorkDirectory();
            string sha;
            if (isBuild)
            {
                sha = await ArtifactFetch.ExtractAsync(archive, commit, directory, cancellationToken);
            }
            else
            {
                await ArtifactArchive.ExtractAsync(archive, directory, cancellationToken);
                sha = commit;
            }
            await StartAsync(directory, sha, cancellationToken);
            _specialized.TrySetResult();
        }
        catch (Exception e)
        {
            _specialized.TrySetException(e);
            throw;
        }
    }

    private void Validate()
    {
        if (options.BindingError is { } error)
        {
            throw new WorkerStartupException(error);
        }
        if (options.MaxConcurrency < 1)
        {
            throw new WorkerStartupException("KK_MAX_CONCURRENCY must be at least 1");
        }
        if (options.IsPrivate && string.IsNullOrEmpty(options.Owner))
        {
            throw new WorkerStartupException("KK_FUNCTION ({user}/{function}) is required when KK_AUTH_AUTHORITY is set");
        }
    }

    private async Task StartAsync(string directory, string sha, CancellationToken cancellationToken)
    {
        FunctionConfig config;
        try
        {
            config = FunctionConfigReader.Load(directory);
        }
        catch (FunctionConfigException ex)
        {
            throw new WorkerStartupException($"commit {sha[..12]}: {ex.Message}");
        }

        var function = new LoadedFunction(options.Function ?? "local/function", sha, directory, config);
        IFunctionRuntime runtime = config.Kind switch
        {
            FunctionKind.NodeJs => new NodeJsRuntime(function, options, loggers, Interlocked.Exchange(ref _warmNode, null)),
            FunctionKind.Exec => new ExecRuntime(function, options, loggers),
            FunctionKind.Dotnet => new Klusterkluck.Worker.Runtime.Dotnet.DotnetRuntime(function, loggers),
            _ => new StaticRuntime(function),
        };
        try
        {
            await runtime.StartAsync(cancellationToken);
        }
        catch
        {
            await runtime.DisposeAsync();
            throw;
        }
        Runtime = runtime;
        logger.LogInformation("Serving {Function} ({Kind}) at {Sha}", function.Name, config.Kind.ToName(), sha);
    }

    private string CreateWorkDirectory()
    {
        if (!string.IsNullOrEmpty(options.WorkDirectory))
        {
            var folder = Path.GetFullPath(options.WorkDirectory);
            if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
            {
                throw new WorkerStartupException($"KK_WORK_DIR {folder} is not empty");
            }
            return folder;
        }
        // Private to the worker's user: the checkout may hold code its owner keeps secret.
        _ownedWorkDirectory = Directory.CreateTempSubdirectory("klusterkluck-worker-").FullName;
        return _ownedWorkDirectory;
    }

    private static string Required(string? value, string name) =>
        string.IsNullOrWhiteSpace(value) ? throw new WorkerStartupException($"{name} is required") : value;

    public async ValueTask DisposeAsync()
    {
        if (Runtime is not null)
        {
            await Runtime.DisposeAsync();
        }
        if (_warmNode is not null)
        {
            // Warmed for nodejs, given another kind (or nothing): its node goes with the worker.
            await _warmNode.DisposeAsync();
        }
        if (_ownedWorkDirectory is not null)
        {
            try
            {
                Directory.Delete(_ownedWorkDirectory, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("Could not delete {Folder}: {Error}", _ownedWorkDirectory, ex.Message);
            }
        }
    }
}
