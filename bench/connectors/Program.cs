// Connector throughput benchmark (bench/connectors/run.sh): how many payloads per second the
// http and nats connectors deliver into a loopback receiver, and the delivery latency from the
// moment a payload was sent to the connector to the moment the receiver had it.
// Scenarios: http and nats at saturation (closed loop), http-5k and nats-5k at 5,000 offered
// payloads/s (latency at the target rate), nats-8 spread over 8 subjects (8 ordered lanes),
// nats-js through a JetStream stream and durable consumer, acknowledged after delivery.
// Usage: Klusterkluck.Bench.Connectors <Klusterkluck.Connectors.dll> [seconds=20] [scenarios=all of them]
using System.Globalization;

var hostAssembly = args[0];
var duration = TimeSpan.FromSeconds(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20);
var scenarios = args.Length > 2 ? args[2].Split(',') : ["http", "http-5k", "nats", "nats-5k", "nats-8", "nats-js"];

await using var receiver = await LatencyReceiver.StartAsync();
foreach (var scenario in scenarios)
{
    var load = scenario switch
    {
        "http" => new HttpLoad(hostAssembly, receiver, Concurrency: 32),
        "nats" => new NatsLoad(hostAssembly, receiver, Subjects: 1, Window: 256) as ILoad,
        "http-5k" => new HttpLoad(hostAssembly, receiver, Concurrency: 32, Rate: 5000),
        "nats-5k" => new NatsLoad(hostAssembly, receiver, Subjects: 1, Window: 256, Rate: 5000),
        "nats-8" => new NatsLoad(hostAssembly, receiver, Subjects: 8, Window: 256),
        "nats-js" => new NatsLoad(hostAssembly, receiver, Subjects: 1, Window: 256, Stream: true),
        _ => throw new ArgumentException($"unknown scenario {scenario}: http, http-5k, nats, nats-5k, nats-8 or nats-js"),
    };
    var (count, p50, p99, cpu) = await load.RunAsync(duration);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{scenario,-7} {load.Shape}: {count} payloads in {duration.TotalSeconds:0} s = {count / duration.TotalSeconds:0} payloads/s; delivery latency p50 {p50:0.00} ms, p99 {p99:0.00} ms; connector CPU {cpu.TotalMicroseconds / Math.Max(count, 1):0} µs per payload"));
}

/// <summary>One scenario: a connector under load for a warm-up and then the measured window.</summary>
internal interface ILoad
{
    string Shape { get; }

    Task<Measured> RunAsync(TimeSpan duration);
}

/// <summary>What arrived in the measured window, and the CPU the connector process spent in it.</summary>
internal readonly record struct Measured(int Count, double P50Ms, double P99Ms, TimeSpan ConnectorCpu);
