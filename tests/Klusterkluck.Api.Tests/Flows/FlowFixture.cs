namespace Klusterkluck.Api.Tests.Flows;

/// <summary>The flow test classes share one Api and its functions (creating five functions takes a while).</summary>
[CollectionDefinition(Name)]
public sealed class FlowCollection : ICollectionFixture<FlowFixture>
{
    public const string Name = "Flows";
}

/// <summary>
/// One Api with a quick engine and one user owning the functions the flow tests wire together.
/// The functions are private: every step is called with the owner's token, as in production.
/// </summary>
public sealed class FlowFixture : IAsyncLifetime
{
    private readonly TempFolder _data = new();

    public ApiProcess Api { get; private set; } = null!;

    public UserSession User { get; private set; } = null!;

    public static readonly IReadOnlyDictionary<string, string> Functions = new Dictionary<string, string>
    {
        ["upper"] = "module.exports = (r) => (typeof r.body === 'string' ? r.body : JSON.stringify(r.body)).toUpperCase();\n",
        ["exclaim"] = "module.exports = (r) => (typeof r.body === 'string' ? r.body : JSON.stringify(r.body)) + '!';\n",
        ["echo"] = "module.exports = (r) => r.body;\n",
        // Fails the first two attempts of each step (the Idempotency-Key is the step), then succeeds.
        ["flaky"] = """
            const attempts = new Map();
            module.exports = (r) => {
              const key = r.headers['idempotency-key'];
              const n = (attempts.get(key) || 0) + 1;
              attempts.set(key, n);
              return n < 3 ? { status: 500, body: `not yet (attempt ${n})` } : `ok after ${n} attempts`;
            };

            """,
        ["broken"] = "module.exports = () => ({ status: 500, body: 'broken on purpose' });\n",
    };

    public async Task InitializeAsync()
    {
        Api = await ApiProcess.StartAsync(_data.Path, FlowClient.QuickEngine);
        User = await UserSession.StartAsync(Api, "flows");
        foreach (var (name, code) in Functions)
        {
            await User.CreateWithCodeAsync(name, "nodejs", new Dictionary<string, string> { ["index.js"] = code });
        }
    }

    public async Task DisposeAsync()
    {
        User.Dispose();
        await Api.DisposeAsync();
        _data.Dispose();
    }
}
