using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Klusterkluck.Api.Data.Migrations.Sqlite
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
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RateLimit",
                table: "Functions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RateLimitWindowSeconds",
                table: "Functions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Usage",
                columns: table => new
                {
                    Owner = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Function = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Minute = table.Column<long>(type: "INTEGER", nullable: false),
                    Invocations = table.Column<long>(type: "INTEGER", nullable: false),
                    Errors = table.Column<long>(type: "INTEGER", nullable: false),
                    Throttled = table.Column<long>(type: "INTEGER", nullable: false),
                    DurationMicroseconds = table.Column<long>(type: "INTEGER", nullable: false),
                    BytesIn = table.Column<long>(type: "INTEGER", nullable: false),
                    BytesOut = table.Column<long>(type: "INTEGER", nullable: false),
                    ReplicaSeconds = table.Column<double>(type: "REAL", nullable: false),
                    MemoryMiBSeconds = table.Column<double>(type: "REAL", nullable: false)
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
