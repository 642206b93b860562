using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Klusterkluck.Api.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Invites : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Users_Email",
                table: "Users");

            migrationBuilder.AddColumn<string>(
                name: "NormalizedEmail",
                table: "Users",
                type: "TEXT",
                maxLength: 300,
                nullable: false,
                defaultValue: "");

            // Existing addresses, lower-cased as User.NormalizeEmail does (for ASCII; the stores'
            // lower() may differ from .NET's on other letters). Rows that this makes equal were
            // one person's or a squatter's: the earliest keeps the address, later ones get their
            // id appended, so the unique index can be built and nothing is lost (logins go by name).
            migrationBuilder.Sql("""
                UPDATE "Users" SET "NormalizedEmail" = lower(trim("Email"));
                UPDATE "Users" SET "NormalizedEmail" = "NormalizedEmail" || '#' || "Id"
                WHERE EXISTS (SELECT 1 FROM "Users" AS "Earlier"
                    WHERE lower(trim("Earlier"."Email")) = lower(trim("Users"."Email"))
                    AND ("Earlier"."CreatedAt" < "Users"."CreatedAt" OR ("Earlier"."CreatedAt" = "Users"."CreatedAt" AND "Earlier"."Id" < "Users"."Id")));
                """);

            migrationBuilder.CreateTable(
                name: "Invites",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CodeHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UsedBy = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    UsedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Invites", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Users_NormalizedEmail",
                table: "Users",
                column: "NormalizedEmail",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Invites_CodeHash",
                table: "Invites",
                column: "CodeHash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Invites");

            migrationBuilder.DropIndex(
                name: "IX_Users_NormalizedEmail",
                table: "Users");

            migrationBuilder.DropColumn(
                name: "NormalizedEmail",
                table: "Users");

            migrationBuilder.CreateIndex(
                name: "IX_Users_Email",
                table: "Users",
                column: "Email",
                unique: true);
        }
    }
}
