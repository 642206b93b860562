using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Klusterkluck.Api.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FlowQueues : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_FlowSteps_Status_DueAt",
                table: "FlowSteps");

            migrationBuilder.AddColumn<string>(
                name: "FlowName",
                table: "FlowSteps",
                type: "TEXT",
                maxLength: 40,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Owner",
                table: "FlowSteps",
                type: "TEXT",
                maxLength: 40,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Error",
                table: "FlowRuns",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            // Steps written before the columns existed take their run's owner and flow, so they wait in the right queue.
            migrationBuilder.Sql("""
                UPDATE "FlowSteps" SET
                    "Owner" = (SELECT "Owner" FROM "FlowRuns" WHERE "FlowRuns"."Id" = "FlowSteps"."RunId"),
                    "FlowName" = (SELECT "FlowName" FROM "FlowRuns" WHERE "FlowRuns"."Id" = "FlowSteps"."RunId")
                """);

            migrationBuilder.CreateIndex(
                name: "IX_FlowSteps_Status_Owner_FlowName_DueAt",
                table: "FlowSteps",
                columns: new[] { "Status", "Owner", "FlowName", "DueAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_FlowSteps_Status_Owner_FlowName_DueAt",
                table: "FlowSteps");

            migrationBuilder.DropColumn(
                name: "FlowName",
                table: "FlowSteps");

            migrationBuilder.DropColumn(
                name: "Owner",
                table: "FlowSteps");

            migrationBuilder.DropColumn(
                name: "Error",
                table: "FlowRuns");

            migrationBuilder.CreateIndex(
                name: "IX_FlowSteps_Status_DueAt",
                table: "FlowSteps",
                columns: new[] { "Status", "DueAt" });
        }
    }
}
