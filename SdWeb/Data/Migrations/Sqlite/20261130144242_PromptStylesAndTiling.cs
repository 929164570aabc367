using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SdWeb.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PromptStylesAndTiling : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Styles",
                table: "Jobs",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]"); // a JSON list: existing jobs applied no style

            migrationBuilder.AddColumn<bool>(
                name: "Tiling",
                table: "Jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "Tiling",
                table: "Images",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "PromptStyles",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Prompt = table.Column<string>(type: "TEXT", nullable: false),
                    NegativePrompt = table.Column<string>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PromptStyles", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PromptStyles_Name",
                table: "PromptStyles",
                column: "Name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PromptStyles");

            migrationBuilder.DropColumn(
                name: "Styles",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "Tiling",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "Tiling",
                table: "Images");
        }
    }
}
