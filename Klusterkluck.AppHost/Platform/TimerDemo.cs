namespace Klusterkluck.AppHost.Platform;

/// <summary>The demo connector of a local run: the connector host as a project, a timer in it.</summary>
internal static class TimerDemo
{
    /// <summary>
    /// Every <c>timer-interval</c> (default 30s) the timer posts to the public function that the
    /// <c>timer-function</c> parameter names (<c>{user}/{function}</c>, default <c>demo/tick</c>)
    /// through the Api's gateway. Until that function exists, deliveries are retried, then
    /// dead-lettered in the connector's log. Local runs only: in a cluster the Api starts a
    /// connector per flow node itself (Runtime:Kubernetes:ConnectorImage).
    /// </summary>
    public static void AddTimerDemo(this IDistributedApplicationBuilder builder, IResourceBuilder<ProjectResource> api)
    {
        if (!builder.ExecutionContext.IsRunMode)
        {
            return;
        }
        var function = builder.AddParameter("timer-function");
        var interval = builder.AddParameter("timer-interval");
        builder.AddProject<Projects.Klusterkluck_Connectors>("timer", launchProfileName: null)
            .WithHttpEndpoint(name: "http")
            .WithHttpHealthCheck("/health")
            .WithEnvironment("KK_CONNECTOR", "timer")
            .WithEnvironment("KK_TARGET_URL", ReferenceExpression.Create($"{api.GetEndpoint("http")}/fn/{function}/"))
            .WithEnvironment("KK_TIMER_INTERVAL", interval)
            .WaitFor(api);
    }
}
