using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SdWeb.Data.Migrations.Sqlite
{
    /// <summary>
    /// Prompt syntax, clip skip, LoRAs and embeddings per job and image. Existing rows were made with plain prompts, clip
    /// skip 1 and no networks, and get exactly those values, so they still reproduce.
    /// </summary>
    public partial class NetworksAndClipSkip : Migration
    {
        private static readonly string[] Tables = ["Jobs", "Images"];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            foreach (var table in Tables)
            {
                migrationBuilder.AddColumn<string>(name: "PromptSyntax", table: table, type: "TEXT", maxLength: 8, nullable: false, defaultValue: "Plain");
                migrationBuilder.AddColumn<int>(name: "ClipSkip", table: table, type: "INTEGER", nullable: false, defaultValue: 1);
                migrationBuilder.AddColumn<string>(name: "Loras", table: table, type: "TEXT", nullable: false, defaultValue: "[]");
                migrationBuilder.AddColumn<string>(name: "Embeddings", table: table, type: "TEXT", nullable: false, defaultValue: "[]");
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in Tables)
            {
                migrationBuilder.DropColumn(name: "PromptSyntax", table: table);
                migrationBuilder.DropColumn(name: "ClipSkip", table: table);
                migrationBuilder.DropColumn(name: "Loras", table: table);
                migrationBuilder.DropColumn(name: "Embeddings", table: table);
            }
        }
    }
}
