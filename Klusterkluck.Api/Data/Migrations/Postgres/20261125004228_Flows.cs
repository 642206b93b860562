using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Klusterkluck.Api.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Flows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Flows",
                columns: table => new
                {
                    Owner = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Definition = table.Column<string>(type: "text", nullable: false),
                    DeploymentId = table.Column<Guid>(type: "uuid", nullable: true),
                    EventToken = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Flows", x => new { x.Owner, x.Name });
                    table.ForeignKey(
                        name: "FK_Flows_Tenants_Owner",
                        column: x => x.Owner,
                        principalTable: "Tenants",
                        principalColumn: "Name",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "FlowDeployments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Owner = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    FlowName = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Definition = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FlowDeployments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FlowDeployments_Flows_Owner_FlowName",
                        columns: x => new { x.Owner, x.FlowName },
                        principalTable: "Flows",
                        principalColumns: new[] { "Owner", "Name" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "FlowRuns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Owner = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    FlowName = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    DeploymentId = table.Column<Guid>(type: "uuid", nullable: false),
                    SourceNode = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    EventKey = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    TraceParent = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    AcceptedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    FinishedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FlowRuns", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FlowRuns_FlowDeployments_DeploymentId",
                        column: x => x.DeploymentId,
                        principalTable: "FlowDeployments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_FlowRuns_Flows_Owner_FlowName",
                        columns: x => new { x.Owner, x.FlowName },
                        principalTable: "Flows",
                        principalColumns: new[] { "Owner", "Name" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "FlowSteps",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    RunId = table.Column<Guid>(type: "uuid", nullable: false),
                    DeploymentId = table.Column<Guid>(type: "uuid", nullable: false),
                    NodeId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    TraceParent = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    DueAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LeaseToken = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    Input = table.Column<byte[]>(type: "bytea", nullable: true),
                    InputType = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Output = table.Column<byte[]>(type: "bytea", nullable: true),
                    OutputType = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Branch = table.Column<bool>(type: "boolean", nullable: true),
                    Error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    FinishedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FlowSteps", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FlowSteps_FlowRuns_RunId",
                        column: x => x.RunId,
                        principalTable: "FlowRuns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_FlowDeployments_Owner_FlowName",
                table: "FlowDeployments",
                columns: new[] { "Owner", "FlowName" });

            migrationBuilder.CreateIndex(
                name: "IX_FlowRuns_DeploymentId",
                table: "FlowRuns",
                column: "DeploymentId");

            migrationBuilder.CreateIndex(
                name: "IX_FlowRuns_FinishedAt",
                table: "FlowRuns",
                column: "FinishedAt");

            migrationBuilder.CreateIndex(
                name: "IX_FlowRuns_Owner_FlowName_AcceptedAt",
                table: "FlowRuns",
                columns: new[] { "Owner", "FlowName", "AcceptedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_FlowRuns_Owner_FlowName_SourceNode_EventKey",
                table: "FlowRuns",
                columns: new[] { "Owner", "FlowName", "SourceNode", "EventKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_FlowSteps_LeaseToken",
                table: "FlowSteps",
                column: "LeaseToken");

            migrationBuilder.CreateIndex(
                name: "IX_FlowSteps_RunId_Key",
                table: "FlowSteps",
                columns: new[] { "RunId", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_FlowSteps_Status_DueAt",
                table: "FlowSteps",
                columns: new[] { "Status", "DueAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "FlowSteps");

            migrationBuilder.DropTable(
                name: "FlowRuns");

            migrationBuilder.DropTable(
                name: "FlowDeployments");

            migrationBuilder.DropTable(
                name: "Flows");
        }
    }
}
