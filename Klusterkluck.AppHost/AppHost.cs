// Klusterkluck on Aspire: the one model of the platform. `dotnet run` runs it on this machine with
// the Aspire dashboard; `--operation publish` writes it out as Kubernetes manifests (deploy/).
// Wiring only: every value set here is an environment variable or an argument that the Api, the
// connector host and Keycloak read the same way without Aspire (README, "Aspire").
using Klusterkluck.AppHost.Keycloak;
using Klusterkluck.AppHost.Kubernetes;
using Klusterkluck.AppHost.Platform;

var builder = DistributedApplication.CreateBuilder(args);

// Where the published manifests put everything.
const string Namespace = "klusterkluck";

// The control plane with its embedded defaults (SQLite, its own OpenID Connect server, the local
// runtime) on http://localhost:8080, so the README's examples work unchanged.
var api = builder.AddApi().InCluster(Namespace);

// The full stack: PostgreSQL for the store and Keycloak for identity, as containers. Asked for by
// --FullStack true, and always in the published manifests.
if (builder.FullStackWanted())
{
    var postgres = builder.AddStoreServer("postgres");
    var keycloak = builder.AddKeycloak("keycloak", postgres.AddDatabase("keycloak-db", "keycloak"));
    api.WithFullStack(postgres.AddDatabase("store", "klusterkluck"), keycloak);
}

// A timer connector, as a flow's connector node runs (the connector host, configured only by
// environment variables), posting to a public function of yours (the timer-function parameter).
builder.AddTimerDemo(api);

// `--operation publish --step publish --output-path DIR`: the model as Kubernetes manifests.
builder.AddKubernetesManifests(Namespace);

// A full stack asked for where no container engine runs fails at once, in one line.
return await builder.RunOrExplainAsync();
