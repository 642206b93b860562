using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Klusterkluck.Api.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ThrottlingAndUsage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "MaxInFlight",
                table: "Functions",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RateLimit",
                table: "Functions",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RateLimitWindowSeconds",
                table: "Functions",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Usage",
                columns: table => new
                {
                    Owner = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Function = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Minute = table.Column<long>(type: "bigint", nullable: false),
                    Invocations = table.Column<long>(type: "bigint", nullable: false),
                    Errors = table.Column<long>(type: "bigint", nullable: false),
                    Throttled = table.Column<long>(type: "bigint", nullable: false),
                    DurationMicroseconds = table.Column<long>(type: "bigint", nullable: false),
                    BytesIn = table.Column<long>(type: "bigint", nullable: false),
                    BytesOut = table.Column<long>(type: "bigint", nullable: false),
                    ReplicaSeconds = table.Column<double>(type: "double precision", nullable: false),
                    MemoryMiBSeconds = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Usage", x => new { x.Owner, x.Function, x.Minute });
                });

            migrationBuilder.CreateIndex(
                name: "IX_Usage_Minute",
                table: "Usage",
                column: "Minute");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Usage");

            migrationBuilder.DropColumn(
                name: "MaxInFlight",
                table: "Functions");

            migrationBuilder.DropColumn(
                name: "RateLimit",
                table: "Functions");

            migrationBuilder.DropColumn(
                name: "RateLimitWindowSeconds",
                table: "Functions");
        }
    }
}
