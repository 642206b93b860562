namespace Klusterkluck.Api.Flows;

/// <summary>One change at a time per flow (owner, name): a deploy's connector changes finish before a delete or another deploy starts.</summary>
public sealed class FlowLocks : KeyedLocks<(string Owner, string Name)>;
