// Klusterkluck on Aspire (written for Aspire 13.1.3): the platform of deploy/ on one machine, with
// the dashboard for logs, traces and metrics, and a Helm chart of it on `--operation publish`.
// Wiring only: every value set here is an environment variable that deploy/ and the local runtime
// set the same way (README), so nothing the Api or a connector does depends on this project.
var builder = DistributedApplication.CreateBuilder(args);

builder.AddKubernetesEnvironment("k8s")
    .WithProperties(k8s => k8s.HelmChartName = "klusterkluck");

// The store. The Api applies its migrations at start, and they create the database if it is missing.
var store = builder.AddPostgres("postgres")
    .WithDataVolume()
    .AddDatabase("store", databaseName: "klusterkluck");

// Identity: the realm of deploy/keycloak/, imported at the first start and kept in the data volume.
// The flow engine gets its users' tokens by token exchange (README, "Flows"), for which deploy/
// passes --features=token-exchange,admin-fine-grained-authz:v1. AddKeycloak already sets KC_FEATURES
// (opentelemetry, for the dashboard) and Keycloak lets a --features argument override the variable,
// so the features are added to that same variable instead.
var keycloak = builder.AddKeycloak("keycloak")
    .WithDataVolume()
    .WithRealmImport("../deploy/keycloak/klusterkluck-realm.json")
    .WithEnabledFeatures("token-exchange", "admin-fine-grained-authz:v1")
    // deploy/'s other arguments, as variables: `start-dev` (run) implies them, `start` (publish) does not.
    .WithEnvironment("KC_HTTP_ENABLED", "true")
    .WithEnvironment("KC_HOSTNAME_STRICT", "false");

// The klusterkluck-admin client's secret, which must match the realm export's: appsettings.json
// holds the export's placeholder; a chart leaves it to the operator.
var keycloakClientSecret = builder.AddParameter("keycloak-client-secret", secret: true);

// The control plane, configured as deploy/api/statefulset.yaml configures it, except for the
// runtime: the Local runtime (the default) runs workers and connectors as its own child processes,
// so Flows__EventBaseUrl stays unset (they reach it on loopback). The Kubernetes runtime needs the
// ClusterRole of deploy/api/rbac.yaml, which Aspire does not model.
var api = builder.AddProject<Projects.Klusterkluck_Api>("api", launchProfileName: null)
    // 8080 as without Aspire, so the README's examples work unchanged.
    .WithHttpEndpoint(port: 8080)
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health")
    .WithEnvironment("Store__Provider", "PostgreSQL")
    .WithEnvironment("Store__ConnectionString", store)
    .WithEnvironment("Identity__Provider", "Keycloak")
    .WithEnvironment("Keycloak__auth-server-url", keycloak.GetEndpoint("http"))
    .WithEnvironment("Keycloak__realm", "klusterkluck")
    .WithEnvironment("Keycloak__resource", "klusterkluck")
    .WithEnvironment("Keycloak__admin__resource", "klusterkluck-admin")
    .WithEnvironment("Keycloak__admin__credentials__secret", keycloakClientSecret)
    // Keycloak answers plain http here (a container on localhost, a Service in the chart), and
    // `external` accepts that only for loopback and private IP addresses, not a Service's name.
    .WithEnvironment("Keycloak__ssl-required", "none")
    .WaitFor(store)
    .WaitFor(keycloak)
    // Published as deploy/ builds it: its Dockerfile (git for git hosting, DataFolder=/data, user
    // 10001) and a volume for the data folder that this user may write, as in the StatefulSet.
    .PublishAsDockerFile(image => image
        .WithDockerfile("..", "deploy/api/Dockerfile")
        .WithVolume("api-data", "/data"))
    .PublishAsKubernetesService(service => service.Workload!.PodTemplate.Spec.SecurityContext = new() { FsGroup = 10001 });

// A timer connector: the connector host configured only by environment variables, as a flow's
// connector node is. A flow's event endpoint needs the flow's token, which exists only once a flow
// is deployed, so this one posts to a public function through the Api's gateway instead, named by
// the timer-function parameter (`{user}/{function}`, appsettings.json: demo/tick). Until that
// function exists (POST /api/v1/functions {"name": "tick", "kind": "nodejs", "public": true} as
// demo), deliveries are retried, then dead-lettered in the connector's log.
var timerFunction = builder.AddParameter("timer-function");
var timerTarget = ReferenceExpression.Create($"{api.GetEndpoint("http")}/fn/{timerFunction}/");

IResourceBuilder<T> TimerConnector<T>(IResourceBuilder<T> connector) where T : IResourceWithEnvironment, IResourceWithWaitSupport =>
    connector
        .WithEnvironment("KK_CONNECTOR", "timer")
        .WithEnvironment("KK_TARGET_URL", timerTarget)
        .WithEnvironment("KK_TIMER_INTERVAL", "30s")
        .WaitFor(api);

// The connector host image (deploy/connectors/Dockerfile): what the chart runs. Locally it is built
// only when started from the dashboard, since building it publishes the repository in a container.
TimerConnector(builder.AddDockerfile("timer", "..", "deploy/connectors/Dockerfile"))
    .WithHttpEndpoint(targetPort: 8080)
    .WithHttpHealthCheck("/health")
    .WithExplicitStart();

// For local runs, the same connector as a project: no image to build, and a debugger attaches.
if (builder.ExecutionContext.IsRunMode)
{
    TimerConnector(builder.AddProject<Projects.Klusterkluck_Connectors>("timer-dev", launchProfileName: null))
        .WithHttpEndpoint()
        .WithHttpHealthCheck("/health");
}

builder.Build().Run();
