[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// Each test class starts the whole app (DCP, the Api, the connector): one at a time, on two cores,
// and so that the processes a test sees are its own app's.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
