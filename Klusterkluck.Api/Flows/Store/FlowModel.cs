using Klusterkluck.Api.Tenants;
using Microsoft.EntityFrameworkCore;

namespace Klusterkluck.Api.Flows;

/// <summary>The flow tables: deleting a flow (or its owner) deletes its deployments, runs and steps with it.</summary>
internal static class FlowModel
{
    public static void Configure(ModelBuilder model)
    {
        model.Entity<Flow>(flow =>
        {
            flow.HasKey(f => new { f.Owner, f.Name });
            flow.HasOne<Tenant>().WithMany().HasForeignKey(f => f.Owner).OnDelete(DeleteBehavior.Cascade);
            flow.Property(f => f.Owner).HasMaxLength(Tenant.MaxNameLength);
            flow.Property(f => f.Name).HasMaxLength(Flow.MaxNameLength);
            flow.Property(f => f.EventToken).HasMaxLength(64);
        });
        model.Entity<FlowDeployment>(deployment =>
        {
            deployment.HasKey(d => d.Id);
            deployment.HasOne<Flow>().WithMany().HasForeignKey(d => new { d.Owner, d.FlowName }).OnDelete(DeleteBehavior.Cascade);
            deployment.Property(d => d.Owner).HasMaxLength(Tenant.MaxNameLength);
            deployment.Property(d => d.FlowName).HasMaxLength(Flow.MaxNameLength);
        });
        model.Entity<FlowRun>(run =>
        {
            run.HasKey(r => r.Id);
            run.HasOne<Flow>().WithMany().HasForeignKey(r => new { r.Owner, r.FlowName }).OnDelete(DeleteBehavior.Cascade);
            run.HasOne<FlowDeployment>().WithMany().HasForeignKey(r => r.DeploymentId).OnDelete(DeleteBehavior.Cascade);
            run.Property(r => r.Owner).HasMaxLength(Tenant.MaxNameLength);
            run.Property(r => r.FlowName).HasMaxLength(Flow.MaxNameLength);
            run.Property(r => r.SourceNode).HasMaxLength(Flow.MaxNameLength);
            run.Property(r => r.EventKey).HasMaxLength(FlowRun.MaxEventKeyLength);
            run.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
            run.Property(r => r.TraceParent).HasMaxLength(64);
            run.HasIndex(r => new { r.Owner, r.FlowName, r.SourceNode, r.EventKey }).IsUnique();
            run.HasIndex(r => new { r.Owner, r.FlowName, r.AcceptedAt });
            run.Property(r => r.Error).HasMaxLength(FlowStep.MaxErrorLength);
            run.HasIndex(r => r.FinishedAt);
        });
        model.Entity<FlowStep>(step =>
        {
            step.HasKey(s => s.Id);
            step.HasOne<FlowRun>().WithMany().HasForeignKey(s => s.RunId).OnDelete(DeleteBehavior.Cascade);
            step.Property(s => s.NodeId).HasMaxLength(Flow.MaxNameLength);
            step.Property(s => s.Owner).HasMaxLength(Tenant.MaxNameLength);
            step.Property(s => s.FlowName).HasMaxLength(Flow.MaxNameLength);
            step.Property(s => s.Key).HasMaxLength(100);
            step.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
            step.Property(s => s.TraceParent).HasMaxLength(64);
            step.Property(s => s.LeaseToken).HasMaxLength(32);
            step.Property(s => s.InputType).HasMaxLength(FlowStep.MaxContentTypeLength);
            step.Property(s => s.OutputType).HasMaxLength(FlowStep.MaxContentTypeLength);
            step.Property(s => s.Error).HasMaxLength(FlowStep.MaxErrorLength);
            step.HasIndex(s => new { s.RunId, s.Key }).IsUnique();
            // The engine's queues: which owners and flows have pending steps (a skip scan), and each queue's due steps, oldest first.
            step.HasIndex(s => new { s.Status, s.Owner, s.FlowName, s.DueAt });
            // Reading back what one claim took.
            step.HasIndex(s => s.LeaseToken);
        });
    }
}
