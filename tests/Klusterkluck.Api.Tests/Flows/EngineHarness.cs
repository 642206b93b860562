using Klusterkluck.Api.Data;
using Klusterkluck.Api.Flows;
using Klusterkluck.Api.Tenants;
using Klusterkluck.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Klusterkluck.Api.Tests.Flows;

/// <summary>
/// The engine's own parts (advance, recorder, claims) on a real SQLite store, with the test in the
/// place of the functions: it claims steps as the engine does and records whatever results it
/// chooses, in whatever order. For properties that need thousands of runs, where real processes
/// would take hours, and for the PostgreSQL statements of the engine (the Api's flow tests run on
/// SQLite); the same parts run behind the real Api in the other flow tests.
/// </summary>
internal sealed class EngineHarness : IAsyncDisposable
{
    private readonly TestStore _store;
    private readonly FlowTransactions _transactions;

    private EngineHarness(StoreProvider provider, FlowOptions limits)
    {
        _store = TestStore.Create(provider);
        _transactions = new(Options.Create(new StoreOptions { Provider = provider }));
        Limits = limits;
        Claims = new StepClaims(_transactions, new EngineSignal(), Options.Create(limits));
    }

    public static TheoryData<StoreProvider> Providers() => [StoreProvider.Sqlite, StoreProvider.PostgreSQL];

    public FlowOptions Limits { get; }

    public StepClaims Claims { get; }

    public static async Task<EngineHarness> StartAsync(StoreProvider provider, FlowOptions? limits = null, params string[] owners)
    {
        var harness = new EngineHarness(provider, limits ?? new FlowOptions());
        await using var db = harness.Open();
        await db.Database.MigrateAsync();
        foreach (var owner in owners.DefaultIfEmpty("alice"))
        {
            db.Tenants.Add(new Tenant { Name = owner });
        }
        await db.SaveChangesAsync();
        return harness;
    }

    public StoreContext Open() => _store.Open();

    /// <summary>A flow deployed with <paramref name="definition"/> and one event accepted at <paramref name="source"/>, as FlowEvents does it.</summary>
    public async Task<(Guid Run, FlowGraph Graph)> StartRunAsync(string owner, string flow, FlowDefinition definition, string source, byte[] body)
    {
        var graph = new FlowGraph(definition);
        var run = new FlowRun { Owner = owner, FlowName = flow, DeploymentId = Guid.NewGuid(), SourceNode = source, EventKey = Guid.NewGuid().ToString("N") };
        await using var db = Open();
        if (!await db.Flows.AnyAsync(f => f.Owner == owner && f.Name == flow))
        {
            db.Flows.Add(new Flow { Owner = owner, Name = flow, Definition = definition.ToJson(), EventToken = "t" });
        }
        db.FlowDeployments.Add(new FlowDeployment { Id = run.DeploymentId, Owner = owner, FlowName = flow, Definition = definition.ToJson() });
        db.FlowRuns.Add(run);
        var advance = new RunAdvance(db, graph, new RunHeader(run.Id, run.DeploymentId, owner, flow, null), [], 0, Limits);
        await advance.StartAsync(source, body, "application/json", CancellationToken.None);
        await advance.SaveAsync(run, CancellationToken.None);
        Claims.Noticed(owner, flow);
        return (run.Id, graph);
    }

    public async Task<List<FlowStep>> ClaimAsync(int max)
    {
        await using var db = Open();
        return await Claims.ClaimAsync(db, max, TimeSpan.FromMinutes(5), CancellationToken.None);
    }

    /// <summary>Records a claimed step's result: its output, or (null) a dead letter; false if it was not recorded (the claim was lost).</summary>
    public async Task<bool> TryFinishAsync(FlowStep step, FlowGraph graph, byte[]? output)
    {
        await using var db = Open();
        var recorder = Recorder(db);
        return output is null
            ? await recorder.DeadLetteredAsync(step, graph, "failed on purpose", CancellationToken.None)
            : await recorder.SucceededAsync(step, graph, output, "application/json", CancellationToken.None);
    }

    /// <summary>Records a claimed step's result, which must be recorded.</summary>
    public async Task FinishAsync(FlowStep step, FlowGraph graph, byte[]? output) =>
        Assert.True(await TryFinishAsync(step, graph, output), $"the result of {step.NodeId} was not recorded");

    /// <summary>A claimed step's attempt failed: it is due again at <paramref name="retryAt"/>.</summary>
    public async Task RetryAsync(FlowStep step, DateTime retryAt)
    {
        await using var db = Open();
        var recorder = Recorder(db);
        Assert.True(await recorder.RetryAsync(step, "failed on purpose", retryAt, CancellationToken.None));
    }

    public async Task<(FlowRun Run, List<FlowStep> Steps)> ReadAsync(Guid run)
    {
        await using var db = Open();
        return (await db.FlowRuns.AsNoTracking().SingleAsync(r => r.Id == run),
            await db.FlowSteps.AsNoTracking().Where(s => s.RunId == run).ToListAsync());
    }

    private StepRecorder Recorder(StoreContext db) => new(db, _transactions, Claims, Options.Create(Limits));

    public ValueTask DisposeAsync() => _store.DisposeAsync();
}
