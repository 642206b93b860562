namespace Klusterkluck.AppHost.Kubernetes;

/// <summary>
/// A PostgreSQL server's databases: a local run creates them once the server is up (Aspire does);
/// in a cluster the image's first start runs the scripts of /docker-entrypoint-initdb.d, so each
/// database becomes one there.
/// </summary>
internal static class PostgresDatabases
{
    public const string InitFolder = "/docker-entrypoint-initdb.d";

    public static void AddInitScripts(DistributedApplicationModel model, IResource resource, KubernetesWorkload workload)
    {
        if (resource is not PostgresServerResource server)
        {
            return;
        }
        var databases = model.Resources.OfType<PostgresDatabaseResource>().Where(d => d.Parent == server).OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
        if (databases.Count == 0)
        {
            return;
        }
        var map = $"{resource.Name}-init";
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var database in databases)
        {
            files[$"create-{database.Name}.sql"] = $"CREATE DATABASE \"{database.DatabaseName}\";\n";
        }
        workload.WithFiles(map, files, InitFolder);
    }
}
