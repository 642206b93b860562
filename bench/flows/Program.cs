// Flow engine benchmark (bench/flows/run.sh): events through an http connector into a chain of
// three nodejs functions (in → a → b → c), on the embedded store (SQLite) and on PostgreSQL. Per
// store, a fresh Api (Release) with its own data folder or database, the functions pushed with
// git, the flow deployed; a warm-up, then a fixed number of events posted by concurrent clients,
// and a bounded wait until every run is over. Prints the events/s the connector took, the runs/s
// the engine finished, run latency from the store's timestamps, and CPU per run.
// Usage: Klusterkluck.Bench.Flows <Klusterkluck.Api.dll> [events=3000] [stores=sqlite,postgres] [clients=16] [rate=0: back to back, else events/s offered]
// Or: Klusterkluck.Bench.Flows <Klusterkluck.Api.dll> flood [stores=sqlite,postgres]: two users, one flooding (FloodBench).
using System.Globalization;

var apiAssembly = args[0];
if (args.Length > 1 && args[1] == "flood")
{
    foreach (var name in args.Length > 2 ? args[2].Split(',') : ["sqlite", "postgres"])
    {
        await using var store = BenchStore.Create(name);
        await FloodBench.RunAsync(apiAssembly, store, name);
    }
    return;
}

var events = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3000;
var stores = args.Length > 2 ? args[2].Split(',') : ["sqlite", "postgres"];
var clients = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 16;
var rate = args.Length > 4 ? double.Parse(args[4], CultureInfo.InvariantCulture) : 0;

foreach (var name in stores)
{
    await using var store = BenchStore.Create(name);
    var figures = await ChainBench.RunAsync(apiAssembly, store, events, clients, rate);
    Console.WriteLine(figures.Line(name));
    foreach (var warning in figures.Warnings())
    {
        Console.Error.WriteLine($"  | {warning}");
    }
}
